// What rocker's containers could leave behind on the host: overlay mounts,
// cgroup directories, monitor and runtime processes, and from networking
// links (veths, bridges) and CNI firewall rules. Tests take a snapshot
// first and compare at the end, so a leak fails the suite.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface HostSnapshot {
  mounts: string[];
  cgroups: string[];
  processes: string[];
  network: string[];
}

/**
 * Mounts that involve a test store (tempStore's directories) as mount point
 * or in their options (an overlay's lowerdir/upperdir). Only these: other
 * work on a shared machine mounts and unmounts things meanwhile.
 */
function mounts(marker: string): string[] {
  return readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .filter((l) => l.includes(marker))
    .map((l) => l.split(' ')[1] ?? '')
    .sort();
}

/**
 * Whether a container cgroup could be this store's: empty (a leftover, whoever
 * made it), or holding a process whose root overlay names the store. Other
 * test runs on the machine start containers of their own meanwhile.
 */
function ours(cgroup: string, marker: string): boolean {
  let pids: string[];
  try {
    pids = readFileSync(join(cgroup, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean);
  } catch {
    return false; // removed meanwhile
  }
  return pids.length === 0 || pids.some((pid) => {
    try {
      return readFileSync(`/proc/${pid}/mountinfo`, 'utf8').includes(marker);
    } catch {
      return false;
    }
  });
}

/** The rocker-* cgroup directories of test stores matching `marker`, in every hierarchy (v1 controllers and v2). */
function cgroups(marker: string): string[] {
  const out: string[] = [];
  const base = '/sys/fs/cgroup';
  const scan = (dir: string) => {
    try {
      for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory() && e.name.startsWith('rocker-')) out.push(join(dir, e.name));
    } catch {
      // not a cgroup directory we can read
    }
  };
  scan(base);
  for (const e of readdirSync(base, { withFileTypes: true })) if (e.isDirectory()) scan(join(base, e.name));
  return out.filter((c) => ours(c, marker)).sort();
}

/** Processes whose command line names a test store: monitors, runtimes, rockers. */
function processes(marker: string): string[] {
  const out: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      if (cmd.includes(marker) && Number(pid) !== process.pid) out.push(`${pid} ${cmd}`);
    } catch {
      // gone
    }
  }
  return out.sort();
}

/** veths, rocker's bridges, and iptables rules that CNI wrote (every such rule names a CNI chain). */
function network(): string[] {
  const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
  const links = readdirSync('/sys/class/net').filter((l) => /^(veth|rocker\d|br-)/.test(l)).map((l) => `link ${l}`);
  const rules = ['iptables-save', 'ip6tables-save'].flatMap((cmd) =>
    (spawnSync(cmd, { encoding: 'utf8' }).stdout ?? '').split('\n').filter((l) => l.includes('CNI-')).map((l) => `${cmd} ${l}`),
  );
  return [...links, ...rules].sort();
}

export function hostSnapshot(marker = 'rocker-test-'): HostSnapshot {
  return { mounts: mounts(marker), cgroups: cgroups(marker), processes: processes(marker), network: network() };
}

/** The differences between two snapshots: what `after` has that `before` had not. */
export function leaksSince(before: HostSnapshot, after: HostSnapshot = hostSnapshot()): HostSnapshot {
  const added = (a: string[], b: string[]) => b.filter((x) => !a.includes(x));
  return {
    mounts: added(before.mounts, after.mounts),
    cgroups: added(before.cgroups, after.cgroups),
    processes: added(before.processes.map((p) => p.replace(/^\d+ /, '')), after.processes.map((p) => p.replace(/^\d+ /, ''))),
    network: added(before.network, after.network),
  };
}

/**
 * Forced cleanup for afterAll, run after the leak check: whatever a failed
 * test left (mounts under `dir`, processes naming it) goes, so one failure
 * does not leave the machine dirty for the next run.
 */
export function forceCleanup(dir: string): void {
  const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
  for (const p of processes(dir)) {
    try {
      process.kill(Number(p.split(' ')[0]), 'SIGKILL');
    } catch {
      // gone
    }
  }
  for (const m of mounts(dir).reverse()) spawnSync('umount', ['-l', m]);
}
