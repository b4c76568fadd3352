import { readFileSync } from 'node:fs';

/** A process's start time in clock ticks since boot (field 22 of /proc/PID/stat): with the pid, it names one process even after pid reuse. */
export function procStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** Whether the process `pid` that started at `start` still exists (zombies count as gone). */
export function processAlive(pid: number, start: string): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] === start && fields[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Whether `pid` is a member of the cgroup named `leaf` (any hierarchy, v1 or v2). */
export function inCgroup(pid: number, leaf: string): boolean {
  try {
    const text = readFileSync(`/proc/${pid}/cgroup`, 'utf8');
    return text.includes(`/${leaf}\n`);
  } catch {
    return false;
  }
}

/** Whether the "/" of `pid` is the overlay of container `id` (its upper directory is in the mount's options). */
export function rootIsContainer(pid: number, id: string): boolean {
  try {
    const text = readFileSync(`/proc/${pid}/mountinfo`, 'utf8');
    const line = text.split('\n').find((l) => l.split(' ')[4] === '/');
    return !!line && line.includes(`/containers/${id}/upper`);
  } catch {
    return false;
  }
}

/**
 * Bytes received and sent on the interfaces of the network namespace
 * `pid` is in (/proc/PID/net/dev), loopback left out as Docker does.
 */
export function netDevTotals(pid: number): { rx: number; tx: number } {
  let text = '';
  try {
    text = readFileSync(`/proc/${pid}/net/dev`, 'utf8');
  } catch {
    return { rx: 0, tx: 0 };
  }
  return parseNetDev(text);
}

export function parseNetDev(text: string): { rx: number; tx: number } {
  let rx = 0;
  let tx = 0;
  for (const line of text.split('\n').slice(2)) {
    const m = /^\s*([^:\s]+):\s*(.*)$/.exec(line);
    if (!m || m[1] === 'lo') continue;
    const f = m[2]!.trim().split(/\s+/).map(Number);
    rx += f[0] ?? 0;
    tx += f[8] ?? 0;
  }
  return { rx, tx };
}
