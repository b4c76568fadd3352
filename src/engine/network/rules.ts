// The firewall rules a network needs, written once per network rather than
// per container: its outbound NAT, forwarding past a FORWARD policy of DROP,
// and its isolation from rocker's other networks (Docker's model). The CNI
// plugins did this per container (the bridge plugin's ipMasq chain, the
// firewall plugin's accept and isolation rules), at about 100 ms of every
// bridged start and stop; these rules cost a few milliseconds on a
// network's first use and nothing after. The per-container work (veth,
// address, published ports) stays with the plugins.
import { UserError } from '../../common/errors.ts';
import type { Network } from './config.ts';
import { chainRules, deleteRule, dropChain, run } from './iptables.ts';

const FORWARD = 'ROCKER-FORWARD';
const ISOLATION = 'ROCKER-ISOLATION';
const NAT = 'ROCKER-POSTROUTING';
const COMMENT = ['-m', 'comment', '--comment', 'rocker'];

/** Makes the chain if missing and, with `from`, the jump to it at the top of `from`. */
function ensureChain(table: string, chain: string, from?: string): void {
  if (chainRules(table, chain) === undefined) run(['iptables', '-w', '-t', table, '-N', chain]);
  if (from && !run(['iptables', '-w', '-t', table, '-C', from, ...COMMENT, '-j', chain]).ok) run(['iptables', '-w', '-t', table, '-I', from, '1', ...COMMENT, '-j', chain]);
}

/**
 * Writes a network's rules (again: any left by a killed first use go first).
 * Isolation jumps are inserted at the top of ROCKER-FORWARD and accepts
 * appended, so a packet between two networks meets the drop before any
 * accept. Bridged frames between two containers of one network pass
 * FORWARD too (bridge-nf-call-iptables), hence `-i B -o B` even when internal.
 */
export function addNetworkRules(net: Network): void {
  removeNetworkRules(net.bridge);
  ensureChain('filter', FORWARD, 'FORWARD');
  ensureChain('filter', ISOLATION);
  const b = net.bridge;
  const filter = [
    `-I ${FORWARD} 1 -i ${b} ! -o ${b} -m comment --comment rocker -j ${ISOLATION}`,
    `-A ${ISOLATION} -o ${b} -m comment --comment rocker -j DROP`,
    ...(net.internal
      ? [`-A ${FORWARD} -i ${b} -o ${b} -m comment --comment rocker -j ACCEPT`]
      : [`-A ${FORWARD} -i ${b} -m comment --comment rocker -j ACCEPT`, `-A ${FORWARD} -o ${b} -m conntrack --ctstate RELATED,ESTABLISHED,DNAT -m comment --comment rocker -j ACCEPT`]),
  ];
  restore(net, 'filter', filter);
  if (net.internal) return;
  ensureChain('nat', NAT, 'POSTROUTING');
  restore(net, 'nat', [`-A ${NAT} -s ${net.subnet} ! -o ${b} -m comment --comment rocker -j MASQUERADE`]);
}

function restore(net: Network, table: string, rules: string[]): void {
  const r = run(['iptables-restore', '-w', '--noflush'], `*${table}\n${rules.join('\n')}\nCOMMIT\n`);
  if (r.ok) return;
  removeNetworkRules(net.bridge);
  const cause = r.err.split('\n').filter(Boolean).pop() ?? 'iptables-restore failed';
  throw new UserError(`network ${net.name}: cannot write its firewall rules: ${cause} (install iptables)`, 125);
}

/** Removes a network's rules, and rocker's chains once no network has any. */
export function removeNetworkRules(bridge: string): void {
  const mine = new RegExp(`-[io] ${bridge.replace(/\./g, '\\.')} `);
  for (const [table, chain] of [['filter', FORWARD], ['filter', ISOLATION], ['nat', NAT]] as const) {
    for (const rule of chainRules(table, chain) ?? []) if (mine.test(`${rule} `)) deleteRule(table, rule);
  }
  if ((chainRules('filter', FORWARD) ?? ['x']).length === 0) {
    dropChain('filter', FORWARD, ['FORWARD']);
    dropChain('filter', ISOLATION, []);
  }
  if ((chainRules('nat', NAT) ?? ['x']).length === 0) dropChain('nat', NAT, ['POSTROUTING']);
}
