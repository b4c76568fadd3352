/*
 * The user's pause process (Podman's design): a `sleep` that holds one user
 * namespace in which the user is root and their subordinate ids are the
 * other users. Every rootless rocker command runs inside it, and so does
 * every container it starts, so a later command can exec into, signal and
 * remove what an earlier one started. It lives until killed or reboot;
 * a new one is made when it is gone.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../common/errors.ts';
import { withLock } from '../../common/lock.ts';
import { procStartTime, processAlive } from '../container-store/proc.ts';
import type { IdRange } from './subids.ts';

/** The user and the ids they may map (subids.ts). */
export interface HostUser {
  uid: number;
  gid: number;
  uids: IdRange;
  gids: IdRange;
}

const MAPPERS = ['newuidmap', 'newgidmap'];

/** newuidmap/newgidmap (setuid root, from shadow's `uidmap` package): the only way to map more ids than one's own. */
function mapper(name: string): string {
  for (const dir of ['/usr/bin', '/usr/sbin', '/bin', '/sbin', ...(process.env.PATH ?? '').split(':')]) {
    if (dir.startsWith('/') && existsSync(join(dir, name))) return join(dir, name);
  }
  throw new UserError(`rootless mode needs ${MAPPERS.join(' and ')}: install the uidmap package (apt-get install uidmap)`);
}

function readPause(file: string): number | undefined {
  try {
    const [pid, start] = readFileSync(file, 'utf8').trim().split(' ');
    return processAlive(Number(pid), start ?? '') ? Number(pid) : undefined;
  } catch {
    return undefined;
  }
}

function run(argv: string[]): void {
  const r = Bun.spawnSync(argv, { stdin: 'ignore', stdout: 'ignore', stderr: 'pipe' });
  if (r.exitCode !== 0) throw new UserError(`rootless mode: ${argv.slice(0, 2).join(' ')} failed: ${r.stderr.toString().trim().split('\n').pop()}`);
}

/** Starts a pause process in a new user namespace and writes its maps: the user as 0, the subordinate ids from 1. */
async function startPause(user: HostUser): Promise<number> {
  const { uids, gids } = user;
  const [newuidmap, newgidmap] = MAPPERS.map(mapper) as [string, string];
  // The line on stdout says unshare(2) is done: the maps can be written. setsid (detached) keeps it off the terminal.
  const child = Bun.spawn(['unshare', '--user', '--', '/bin/sh', '-c', 'echo; exec sleep infinity </dev/null >/dev/null 2>&1'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
    cwd: '/',
  });
  const reader = child.stdout.getReader();
  const first = await reader.read();
  reader.releaseLock();
  if (first.done) {
    const err = (await new Response(child.stderr).text()).trim().split('\n').pop();
    throw new UserError(`rootless mode: cannot create a user namespace: ${err || `unshare exited ${await child.exited}`}`);
  }
  try {
    run([newuidmap, String(child.pid), '0', String(user.uid), '1', '1', String(uids.start), String(uids.count)]);
    run([newgidmap, String(child.pid), '0', String(user.gid), '1', '1', String(gids.start), String(gids.count)]);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  child.unref();
  return child.pid;
}

/** The pid of the user's live pause process, started first if there is none. */
export async function pauseProcess(runDir: string, user: HostUser): Promise<number> {
  const file = join(runDir, 'pause.pid');
  const pid = readPause(file);
  if (pid !== undefined) return pid;
  return withLock(join(runDir, 'pause.lock'), async () => {
    const again = readPause(file);
    if (again !== undefined) return again;
    const fresh = await startPause(user);
    writeFileSync(file, `${fresh} ${procStartTime(fresh) ?? 0}\n`);
    return fresh;
  });
}
