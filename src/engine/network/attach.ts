// Joining a container to a bridge network before it starts, and releasing
// everything (addresses, port rules, veth, namespace) once it has ended.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { UserError } from '../../common/errors.ts';
import { withLock } from '../../common/lock.ts';
import { killProcessesWith } from '../../common/process.ts';
import type { StorePaths } from '../paths.ts';
import { procStartTime, processAlive } from '../container-store/proc.ts';
import type { RunOptions } from '../container-store/record.ts';
import { containerStatus } from '../container-store/status.ts';
import { containerFiles, readRecord } from '../container-store/store.ts';
import { listAttachments, readAttachment, removeStaleTemps, writeAttachment, type Attachment } from './attachment.ts';
import { checkPlugins, cniAdd, cniDel, pluginChain, type Invocation } from './cni.ts';
import { DEFAULT_NETWORK, networkForRun, type Network } from './config.ts';
import { cidrContains } from './subnet.ts';
import type { PortSpec } from './flags.ts';
import { addHostEntries, hostsText, resolvConfText, type HostsEntry } from './hosts.ts';
import { createNetns, removeNetns } from './netns.ts';
import { removeMasqueradeChain } from './cleanup.ts';
import { addNetworkRules } from './rules.ts';
import { mendBridgeMac } from './bridge-mac.ts';
import { attachmentFile, networkPaths } from './paths.ts';
import { claimPorts, collectStaleClaims, releasePorts } from './ports.ts';

export const RELEASE_SCRIPT = 'network-release';

export interface AttachRequest {
  id: string;
  name: string;
  hostname: string;
  options: RunOptions;
  /** The image's EXPOSE ports ("80/tcp"), for -P. */
  exposed: string[];
  /** Where hosts and resolv.conf go when the holder is not a container (a pod's run directory); it lives while this does. */
  dir?: string;
}

/** The directory of whoever holds the attachment: a container's, or the one a pod gave. */
function holderDir(paths: StorePaths, a: Pick<Attachment, 'id' | 'dir'>): string {
  return a.dir ?? containerFiles(paths, a.id).dir;
}

function invocation(a: Attachment): Invocation {
  return { network: a.network, containerId: a.id, netns: a.netns, ifname: a.ifname, ports: a.ports, ips: a.requestedIp ? [a.requestedIp] : undefined };
}

const quote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

/**
 * The command the background monitor (a shell) runs once it has recorded
 * the exit: this same rocker binary, `network release`. A compiled rocker
 * is its own executable; from source, Bun runs the entry script.
 */
function releaseScript(paths: StorePaths, id: string): string {
  const self = basename(process.execPath) === 'bun' ? [process.execPath, Bun.main] : [process.execPath];
  return `exec ${[...self, '--root', paths.root, '--runroot', paths.runRoot, 'network', 'release', id].map(quote).join(' ')}\n`;
}

function exposedPorts(exposed: string[]): PortSpec[] {
  return exposed.flatMap((e) => {
    const m = /^(\d+)(?:\/(tcp|udp))?$/.exec(e);
    return m ? [{ hostIp: '', hostPort: 0, containerPort: Number(m[1]), protocol: (m[2] ?? 'tcp') as 'tcp' | 'udp' }] : [];
  });
}

/**
 * Sets up the container's network: namespace, CNI ADD, port claims, and its
 * /etc/hosts and /etc/resolv.conf files. The attachment is recorded before
 * anything exists on the host, so a rocker killed at any point leaves a
 * record that a later command releases. Returns the namespace's path for the spec.
 */
export async function attachContainer(paths: StorePaths, req: AttachRequest): Promise<{ netns: string }> {
  await collectStale(paths);
  const o = req.options;
  const net = await networkForRun(paths, o.network);
  if (o.ip !== undefined) checkRequestedIp(net, o.ip);
  if (net.name === DEFAULT_NETWORK && o.aliases?.length) throw new UserError('--network-alias needs a user network: containers on the default network do not resolve names', 125);
  const np = networkPaths(paths);
  const wanted = [...(o.publish ?? []), ...(o.publishAll ? exposedPorts(req.exposed) : [])];
  const chain = pluginChain(net, np.ipam, wanted.length > 0);
  checkPlugins(chain);
  const att: Attachment = {
    id: req.id,
    name: req.name,
    hostname: req.hostname,
    ...(o.aliases?.length ? { aliases: o.aliases } : {}),
    ...(o.ip !== undefined ? { requestedIp: `${o.ip}/${net.subnet.split('/')[1]}` } : {}),
    network: net.name,
    networkId: net.id,
    resolveNames: net.name !== DEFAULT_NETWORK,
    netns: join(np.netns, req.id),
    ifname: 'eth0',
    chain,
    ports: [],
    extraHosts: addHostEntries(o.addHosts ?? [], net.gateway),
    owner: `${process.pid} ${procStartTime(process.pid) ?? 0}`,
    ...(req.dir ? { dir: req.dir } : {}),
  };
  try {
    mkdirSync(np.attachments, { recursive: true });
    // Recorded before the ports are claimed, so a release always finds and frees the claims.
    writeAttachment(paths, att);
    att.ports = await claimPorts(paths, req.id, wanted);
    writeAttachment(paths, att);
    if (!req.dir) writeFileSync(join(containerFiles(paths, req.id).dir, RELEASE_SCRIPT), releaseScript(paths, req.id));
    await createNetns(att.netns);
    const add = () => {
      mendBridgeMac(net.bridge);
      return cniAdd(att.chain as Parameters<typeof cniAdd>[0], invocation(att), (partial) => {
        att.result = partial;
        writeAttachment(paths, att);
      });
    };
    const result = await firstUseSerialized(paths, net, add);
    const ip = result.ips?.[0];
    const [address, prefix] = (ip?.address ?? '').split('/');
    Object.assign(att, { ip: address, prefix: Number(prefix), gateway: ip?.gateway ?? net.gateway, mac: result.interfaces?.find((i) => i.sandbox)?.mac, result });
    writeAttachment(paths, att);
    writeFileSync(join(holderDir(paths, att), 'resolv.conf'), resolvConfText(o.dns ?? [], o.dnsSearch ?? []));
    await writeHosts(paths, att);
    return { netns: att.netns };
  } catch (err) {
    await releaseContainer(paths, req.id).catch(() => undefined);
    releasePorts(paths, req.id);
    throw err;
  }
}

/**
 * A network's first use writes its rules (rules.ts) and its first ADD makes
 * its bridge; two first ADDs at once race inside the bridge plugin. Until
 * one ADD on the network has succeeded, ADDs take turns; after that they
 * run side by side. The mark lives under the run root, as the bridge and
 * rules it stands for do; it names what it stands for, so a mark an older
 * rocker wrote (whose networks had the firewall plugin's rules instead)
 * counts as none.
 */
const READY = 'bridge+rules\n';

async function firstUseSerialized<T>(paths: StorePaths, net: Network, add: () => Promise<T>): Promise<T> {
  const np = networkPaths(paths);
  const mark = join(np.ready, net.id);
  const ready = () => existsSync(mark) && readFileSync(mark, 'utf8') === READY;
  if (ready()) return add();
  return withLock(join(np.locks, 'first-use'), async () => {
    if (ready()) return add();
    addNetworkRules(net);
    const result = await add();
    mkdirSync(np.ready, { recursive: true });
    writeFileSync(mark, READY);
    return result;
  });
}

function selfEntry(a: Attachment): HostsEntry {
  return { ip: a.ip ?? '127.0.1.1', names: [a.hostname, a.name, ...(a.aliases ?? [])] };
}

/** Docker's rules for --ip: a user network, inside its subnet, not its gateway. */
function checkRequestedIp(net: Network, ip: string): void {
  if (net.name === DEFAULT_NETWORK) throw new UserError('--ip needs a user network (rocker network create --subnet ...)', 125);
  if (!cidrContains(net.subnet, ip) || ip === net.gateway) throw new UserError(`--ip ${ip} is not a free address of network ${net.name} (${net.subnet}, gateway ${net.gateway})`, 125);
}

/** Writes the container's /etc/hosts; on a user network every peer's too, so names follow containers that come and go. */
async function writeHosts(paths: StorePaths, att: Attachment): Promise<void> {
  if (!att.resolveNames) {
    writeFileSync(join(holderDir(paths, att), 'hosts'), hostsText(selfEntry(att), att.extraHosts));
    return;
  }
  await refreshNetworkHosts(paths, att.network);
}

/**
 * Rewrites the hosts file of every container on `network`, in place (it is
 * bind-mounted into the container, so the inode must stay), under a lock
 * so two writers never interleave.
 */
async function refreshNetworkHosts(paths: StorePaths, network: string): Promise<void> {
  await withLock(join(networkPaths(paths).locks, `hosts-${network}`), () => {
    const members = listAttachments(paths).filter((a) => a.network === network && a.ip);
    for (const a of members) {
      const peers = members.filter((p) => p.id !== a.id).map(selfEntry);
      const dir = holderDir(paths, a);
      if (existsSync(dir)) writeFileSync(join(dir, 'hosts'), hostsText(selfEntry(a), a.extraHosts, peers));
    }
  });
}

/**
 * Undoes an attachment: CNI DEL (with the configuration and result ADD
 * had), the namespace, the port claims, the record. Safe to repeat and
 * after a half-made attachment; a failed DEL keeps the record for a retry.
 * One at a time per container: the monitor and `rm -f` may both get here.
 */
export async function releaseContainer(paths: StorePaths, id: string): Promise<void> {
  if (!existsSync(attachmentFile(paths, id))) return;
  const att = await withLock(join(networkPaths(paths).locks, `release-${id}`), async () => {
    const a = readAttachment(paths, id);
    if (!a) return undefined;
    if (!a.ip) killUnfinishedAdd(id);
    const chain = a.chain as Parameters<typeof cniDel>[0];
    try {
      await cniDel(chain, invocation(a), a.result);
      await removeNetns(a.netns);
      // After an ADD killed half way the bridge plugin's DEL can succeed and still leave its NAT chain (seen in kill -9 tests).
      if (!a.ip) removeMasqueradeChain(a.network, a.id);
    } catch {
      // An ADD killed half way (rocker killed) can leave the container's veth
      // addressed but its masquerade chain missing; the bridge plugin's DEL then
      // fails on nf_tables. Without the namespace (the veth goes with it) DEL
      // skips that step; the chain, if it was made, is removed here.
      await removeNetns(a.netns);
      removeMasqueradeChain(a.network, a.id);
      await cniDel(chain, invocation(a), a.result);
    }
    releasePorts(paths, id);
    rmSync(attachmentFile(paths, id), { force: true });
    return a;
  });
  if (att?.resolveNames) await refreshNetworkHosts(paths, att.network);
}

/**
 * The plugins of an ADD that a killed rocker left running die with it
 * (pdeathsig), but the iptables processes they started do not, and one
 * finishing after the release would leave its rule behind. They all carry
 * the container's id in CNI_CONTAINERID, which plugins pass on.
 */
function killUnfinishedAdd(id: string): void {
  killProcessesWith('environ', `CNI_CONTAINERID=${id}\0`);
}

/** Ended for good, or never going to start: the container no longer needs its network. */
export function containerDone(paths: StorePaths, id: string): boolean {
  if (!existsSync(containerFiles(paths, id).dir)) return true;
  let rec;
  try {
    rec = readRecord(paths, id);
  } catch {
    return true; // no record: its creator is gone (checked by the caller)
  }
  const s = containerStatus(paths, rec);
  return (s.state === 'exited' && (s.exitCode !== undefined || !s.monitorAlive)) || (s.state === 'created' && !s.monitorAlive);
}

function ownerAlive(a: Attachment): boolean {
  const [pid, start] = a.owner.split(' ');
  return processAlive(Number(pid), start ?? '');
}

/**
 * Releases what killed rockers and monitors left: attachments whose creator
 * is gone and whose container has ended or was never made. Run before each
 * attach and by the network commands, so leftovers do not pile up.
 */
export async function collectStale(paths: StorePaths): Promise<void> {
  collectStaleClaims(paths);
  removeStaleTemps(paths);
  for (const a of listAttachments(paths)) {
    // A pod's attachment lasts as long as the pod's run directory (released by pod stop and rm).
    if (ownerAlive(a) || (a.dir ? existsSync(a.dir) : !containerDone(paths, a.id))) continue;
    try {
      await releaseContainer(paths, a.id);
    } catch {
      // kept for the next collection; `rocker rm` of the container reports the cause
    }
  }
}
