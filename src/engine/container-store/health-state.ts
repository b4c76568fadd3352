import { readFileSync } from 'node:fs';

// What the health-check loop (runtime/health.ts) leaves in the container
// directory, read back: `health` holds "STATUS STREAK", `health.log` the
// last five results (START END CODE OUTPUT, tab-separated).

/** Docker's State.Health: the status, the failing streak, the last results. */
export function healthState(dir: string): { Status: string; FailingStreak: number; Log: object[] } | undefined {
  let status: string;
  try {
    status = readFileSync(`${dir}/health`, 'utf8').trim();
  } catch {
    return undefined;
  }
  const [Status = 'starting', streak = '0'] = status.split(' ');
  let log = '';
  try {
    log = readFileSync(`${dir}/health.log`, 'utf8');
  } catch {
    // no result yet
  }
  const Log = log.split('\n').filter(Boolean).map((l) => {
    const [Start, End, code, Output = ''] = l.split('\t');
    return { Start, End, ExitCode: Number(code), Output };
  });
  return { Status, FailingStreak: Number(streak), Log };
}
