// What the CNI plugins leave on the host after the last DEL: the bridge,
// host-local's reservation directory, firewall's isolation rules for the
// bridge, and the chains every CNI network shares (portmap's
// CNI-HOSTPORT-*, firewall's CNI-FORWARD, CNI-ADMIN, CNI-ISOLATION-*). These
// go when a network is removed; the shared chains only when no rule of any
// container, of rocker or another CNI user such as Podman, is left in them.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../common/errors.ts';
import { chainRules, deleteRule, dropChain, run } from './iptables.ts';

/**
 * The bridge plugin's per-container NAT chain (`ipMasq`) and its jump from
 * POSTROUTING. The name is the plugin's: "CNI-" and the first 24 hex
 * digits of sha512(network name + container id).
 */
export function removeMasqueradeChain(network: string, containerId: string): void {
  const chain = `CNI-${new Bun.CryptoHasher('sha512').update(network + containerId).digest('hex').slice(0, 24)}`;
  if (chainRules('nat', chain) === undefined) return;
  dropChain('nat', chain, ['POSTROUTING']);
}

/** Firewall's ingress-policy rules name the bridge and stay after DEL (the plugin cannot know the bridge is unused). */
export function removeIsolationRules(bridge: string): void {
  for (const chain of ['CNI-ISOLATION-STAGE-1', 'CNI-ISOLATION-STAGE-2']) {
    for (const rule of chainRules('filter', chain) ?? []) if (new RegExp(`-[io] ${bridge} `).test(rule)) deleteRule('filter', rule);
  }
}

/** Removes the shared CNI chains when nothing in them belongs to a container any more. */
export function removeSharedChainsIfUnused(): void {
  const dnat = chainRules('nat', 'CNI-HOSTPORT-DNAT');
  if (dnat !== undefined && dnat.length === 0) {
    dropChain('nat', 'CNI-HOSTPORT-DNAT', ['PREROUTING', 'OUTPUT']);
    dropChain('nat', 'CNI-HOSTPORT-MASQ', ['POSTROUTING']);
    dropChain('nat', 'CNI-HOSTPORT-SETMARK', []);
  }
  // Only their closing RETURN rules left: no bridge is isolated any more.
  const stage1 = chainRules('filter', 'CNI-ISOLATION-STAGE-1');
  const stage2 = chainRules('filter', 'CNI-ISOLATION-STAGE-2');
  const isolationUnused = [...(stage1 ?? []), ...(stage2 ?? [])].every((r) => r.includes('-j RETURN'));
  if (!isolationUnused) return;
  if (stage1 !== undefined) dropChain('filter', 'CNI-ISOLATION-STAGE-1', ['FORWARD']);
  if (stage2 !== undefined) dropChain('filter', 'CNI-ISOLATION-STAGE-2', []);
  // CNI-FORWARD goes only with the isolation chains: the next ADD would make
  // it again at the top of FORWARD, above the isolation jump, and its ACCEPT
  // for every container address would let other networks in.
  const fwd = chainRules('filter', 'CNI-FORWARD');
  const admin = chainRules('filter', 'CNI-ADMIN');
  // Firewall's only own rule is the jump to the admin chain; any other rule is a container's.
  if (fwd !== undefined && fwd.every((r) => r.endsWith('-j CNI-ADMIN')) && (admin ?? []).length === 0) {
    dropChain('filter', 'CNI-FORWARD', ['FORWARD']);
    if (admin !== undefined) dropChain('filter', 'CNI-ADMIN', []);
  }
}

/** Deletes a network's bridge (its addresses and route go with it) and its address reservations. */
export function removeBridge(bridge: string, ipamDir: string): void {
  if (existsSync(`/sys/class/net/${bridge}`)) {
    const r = run(['ip', 'link', 'delete', bridge, 'type', 'bridge']);
    if (!r.ok && existsSync(`/sys/class/net/${bridge}`)) throw new UserError(`cannot delete bridge ${bridge}: ${r.err}`);
  }
  rmSync(ipamDir, { recursive: true, force: true });
}

export function ipamDirOf(ipamRoot: string, network: string): string {
  return join(ipamRoot, network);
}
