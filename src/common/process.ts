import { readdirSync, readFileSync } from 'node:fs';

/** Whether a process exists (EPERM means it does, owned by someone else). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * SIGKILLs every process whose /proc/PID/`file` ("cmdline", "environ")
 * contains `needle`: for processes a killed parent left behind, found by
 * what they were started with. Costs a pass over /proc.
 */
export function killProcessesWith(file: 'cmdline' | 'environ', needle: string): void {
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p) || Number(p) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${p}/${file}`, 'latin1').includes(needle)) process.kill(Number(p), 'SIGKILL');
    } catch {
      // gone, or not ours to read
    }
  }
}
