// The namespaces a pod's containers share, held without a pause image: the
// network namespace by the network code's bind-mounted file (attached to
// CNI once, for the pod), IPC and UTS by bind-mounted namespace files made
// with util-linux's unshare, and a PID namespace (only with --share pid, as
// its init must live) by the host's catatonit in pause mode. Containers
// join them through their spec's namespace paths. Everything lives under
// `<runroot>/pods/<id>/`, gone after a reboot as the namespaces are.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../common/errors.ts';
import { withLock } from '../../common/lock.ts';
import type { StorePaths } from '../paths.ts';
import { procStartTime, processAlive } from '../container-store/proc.ts';
import type { RunOptions } from '../container-store/record.ts';
import { hostsText } from '../network/hosts.ts';
import { removeNetns } from '../network/netns.ts';
import { isBridgeNetwork } from '../network/paths.ts';
import type { PodRecord } from './record.ts';

/** Namespace type (as the OCI spec spells it) -> the file a member's spec joins. */
export type PodNamespaces = Partial<Record<'network' | 'ipc' | 'uts' | 'pid', string>>;

export interface PodJoin {
  hostname: string;
  namespaces: PodNamespaces;
  /** The pod's /etc/hosts and /etc/resolv.conf: members get copies. */
  hosts: string;
  resolvConf: string;
}

export function podRunDir(paths: StorePaths, id: string): string {
  return join(paths.runRoot, 'pods', id);
}

const CATATONITS = ['/usr/bin/catatonit', '/usr/libexec/podman/catatonit'];

/** Whether the pod's namespaces exist now (it was started and not stopped since, nor the host rebooted). */
export function podHeld(paths: StorePaths, id: string): boolean {
  return existsSync(join(podRunDir(paths, id), 'ready'));
}

function joinInfo(paths: StorePaths, pod: PodRecord): PodJoin {
  const dir = podRunDir(paths, pod.id);
  const namespaces: PodNamespaces = { ipc: join(dir, 'ipc'), uts: join(dir, 'uts') };
  if (pod.network !== 'host') namespaces.network = isBridgeNetwork(pod.network) ? readFileSync(join(dir, 'netns'), 'utf8') : join(dir, 'net');
  if (pod.share.includes('pid')) namespaces.pid = join(dir, 'pid');
  return { hostname: pod.hostname, namespaces, hosts: readFileSync(join(dir, 'hosts'), 'utf8'), resolvConf: readFileSync(join(dir, 'resolv.conf'), 'utf8') };
}

async function run(argv: string[], what: string): Promise<void> {
  let r: { code: number | null; stderr: string };
  try {
    const child = Bun.spawn(argv, { stdin: 'ignore', stdout: 'ignore', stderr: 'pipe' });
    const stderr = await new Response(child.stderr).text();
    r = { code: await child.exited, stderr };
  } catch (err) {
    r = { code: null, stderr: (err as Error).message };
  }
  if (r.code !== 0) throw new UserError(`cannot ${what}: ${r.stderr.trim().replace(/\s*\n\s*/g, '; ') || `exit ${r.code}`}`);
}

/** Empty files that unshare bind-mounts the new namespaces on; the hostname is set inside the new UTS namespace. */
async function ipcAndUts(dir: string, hostname: string): Promise<void> {
  for (const f of ['ipc', 'uts']) writeFileSync(join(dir, f), '', { mode: 0o600 });
  await run(['unshare', `--ipc=${join(dir, 'ipc')}`, `--uts=${join(dir, 'uts')}`, 'sh', '-c', 'echo "$1" > /proc/sys/kernel/hostname', 'sh', hostname], 'create the pod\'s IPC and UTS namespaces');
}

/**
 * catatonit -P (pause) as PID 1 of a new PID namespace, detached from us;
 * its namespace bind-mounted on `pid` so members join a stable path.
 */
async function pidNamespace(dir: string): Promise<void> {
  const catatonit = CATATONITS.find((p) => existsSync(p));
  if (!catatonit) throw new UserError("--share pid needs catatonit on the host: install it with 'apt-get install catatonit'");
  // --wd: the pod's directory in its command line tells whose holder it is (ps, the tests' leak checks).
  const child = Bun.spawn(['unshare', '--pid', '--fork', '--kill-child', `--wd=${dir}`, catatonit, '-P'], { stdio: ['ignore', 'ignore', 'ignore'], detached: true, cwd: '/' });
  child.unref();
  writeFileSync(join(dir, 'unshare'), `${child.pid} ${procStartTime(child.pid) ?? 0}\n`);
  let init: number | undefined;
  for (let delay = 1; init === undefined; delay *= 2) {
    if (delay > 2000 || child.exitCode !== null) throw new UserError('cannot start the pod\'s PID namespace holder (unshare --pid catatonit)');
    const kids = existsSync(`/proc/${child.pid}/task/${child.pid}/children`) ? readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim() : '';
    if (kids) init = Number(kids.split(' ')[0]);
    else await Bun.sleep(delay);
  }
  writeFileSync(join(dir, 'pid'), '', { mode: 0o600 });
  await run(['mount', '--bind', `/proc/${init}/ns/pid`, join(dir, 'pid')], "hold the pod's PID namespace");
}

/** A pod's network attachment asks what a container's does: the pod's flags as run options. */
function networkRequest(pod: PodRecord): RunOptions {
  return { network: pod.network, publish: pod.publish, addHosts: pod.addHosts, dns: pod.dns } as RunOptions;
}

/**
 * Makes the pod's namespaces if they are not there (pod start, or a member's
 * start); returns what a member joins. Under the pod's lock, so two members
 * starting at once make them once. A failure undoes what was made.
 */
export async function holdPod(paths: StorePaths, pod: PodRecord): Promise<PodJoin> {
  return withLock(join(paths.locks, `pod-${pod.id}`), async () => {
    if (podHeld(paths, pod.id)) return joinInfo(paths, pod);
    await releaseNamespaces(paths, pod.id);
    const dir = podRunDir(paths, pod.id);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    try {
      if (isBridgeNetwork(pod.network)) {
        const { attachContainer } = await import('../network/attach.ts');
        const { netns } = await attachContainer(paths, { id: pod.id, name: pod.name, hostname: pod.hostname, options: networkRequest(pod), exposed: [], dir });
        writeFileSync(join(dir, 'netns'), netns);
      } else {
        if (pod.network === 'none') await (await import('../network/netns.ts')).createNetns(join(dir, 'net'));
        writeFileSync(join(dir, 'hosts'), hostsText({ ip: '127.0.1.1', names: [pod.hostname] }, []));
        // On the host's network, the host's name servers; without a network, none.
        writeFileSync(join(dir, 'resolv.conf'), pod.network === 'host' ? readFileSync('/etc/resolv.conf', 'utf8') : '');
      }
      await ipcAndUts(dir, pod.hostname);
      if (pod.share.includes('pid')) await pidNamespace(dir);
      writeFileSync(join(dir, 'ready'), '');
      return joinInfo(paths, pod);
    } catch (err) {
      await releaseNamespaces(paths, pod.id).catch(() => undefined);
      throw err;
    }
  });
}

/** Undoes holdPod: the PID holder, the network, the namespace files. Safe to repeat and after a half-made hold. */
async function releaseNamespaces(paths: StorePaths, id: string): Promise<void> {
  const dir = podRunDir(paths, id);
  if (!existsSync(dir)) return;
  rmSync(join(dir, 'ready'), { force: true });
  const holder = join(dir, 'unshare');
  if (existsSync(holder)) {
    const [pid, start] = readFileSync(holder, 'utf8').trim().split(' ');
    // --kill-child: catatonit goes with its unshare.
    if (pid && start && processAlive(Number(pid), start)) process.kill(Number(pid), 'SIGKILL');
    rmSync(holder, { force: true });
  }
  const { releaseContainer } = await import('../network/attach.ts');
  await releaseContainer(paths, id);
  for (const f of ['net', 'ipc', 'uts', 'pid']) await removeNetns(join(dir, f));
  rmSync(dir, { recursive: true, force: true });
}

/** Stops holding the pod's namespaces (its members must have ended). */
export async function releasePod(paths: StorePaths, id: string): Promise<void> {
  await withLock(join(paths.locks, `pod-${id}`), () => releaseNamespaces(paths, id));
}
