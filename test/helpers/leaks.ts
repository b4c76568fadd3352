// What rocker's containers could leave behind on the host: overlay mounts,
// cgroup directories, monitor and runtime processes, and from networking
// veths, bridges and CNI's iptables rules. Tests take a snapshot
// first and compare at the end, so a leak fails the suite.
import { mkdirSync, readdirSync, readFileSync, rmSync, watch, writeFileSync } from 'node:fs';
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
 * The cgroup directories (rocker-<id>, in every hierarchy, v1 controllers and
 * v2) of the containers `ids`: only this store's, since other suites on the
 * machine make and remove their own meanwhile.
 */
function cgroups(ids: ReadonlySet<string>): string[] {
  const out: string[] = [];
  const base = '/sys/fs/cgroup';
  const scan = (dir: string) => {
    try {
      for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory() && ids.has(e.name.slice('rocker-'.length))) out.push(join(dir, e.name));
    } catch {
      // not a cgroup directory we can read
    }
  };
  scan(base);
  for (const e of readdirSync(base, { withFileTypes: true })) if (e.isDirectory()) scan(join(base, e.name));
  return out.sort();
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

/**
 * veths, rocker's bridges, and iptables rules that CNI or rocker wrote (every
 * such rule names a CNI- or ROCKER- chain). Host-wide: a suite's bridges and rules have no store
 * name in them; CI runs one suite at a time.
 */
function network(): string[] {
  const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
  const links = readdirSync('/sys/class/net').filter((l) => /^(veth|rocker\d|br-)/.test(l)).map((l) => `link ${l}`);
  const rules = ['iptables-save', 'ip6tables-save'].flatMap((cmd) =>
    (spawnSync(cmd, { encoding: 'utf8' }).stdout ?? '').split('\n').filter((l) => l.includes('CNI-') || l.includes('ROCKER-')).map((l) => `${cmd} ${l}`),
  );
  return [...links, ...rules].sort();
}

/** `marker`: the test store's directory; `ids`: the containers whose cgroups count (see watchContainerIds). */
export function hostSnapshot(marker: string, ids: ReadonlySet<string> = new Set()): HostSnapshot {
  return { mounts: mounts(marker), cgroups: cgroups(ids), processes: processes(marker), network: network() };
}

/**
 * Every container id a store has had, --rm ones included, from inotify events
 * on its containers directory (names are made there before anything else).
 */
export function watchContainerIds(containersDir: string) {
  mkdirSync(containersDir, { recursive: true });
  const ids = new Set<string>();
  const waiting = new Map<string, () => void>();
  const watcher = watch(containersDir, (_event, name) => {
    if (!name) return;
    if (/^[0-9a-f]{64}$/.test(name)) ids.add(name);
    waiting.get(name)?.();
  });
  let syncs = 0;
  return {
    /** The ids so far, once every event from before the call is in: inotify keeps order, so a marker file's event comes after them. */
    async settled(): Promise<ReadonlySet<string>> {
      const marker = `.sync-${process.pid}-${syncs++}`;
      const seen = new Promise<void>((resolve) => waiting.set(marker, resolve));
      writeFileSync(join(containersDir, marker), '');
      await seen;
      waiting.delete(marker);
      rmSync(join(containersDir, marker), { force: true });
      return ids;
    },
    close: () => watcher.close(),
  };
}

/** The differences between two snapshots: what `after` has that `before` had not. */
export function leaksSince(before: HostSnapshot, after: HostSnapshot): HostSnapshot {
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
