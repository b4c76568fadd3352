/*
 * The user's pause process (Podman's design): a `sleep` that holds one user
 * namespace in which the user is root and their subordinate ids are the
 * other users. Every rootless rocker command runs inside it, and so does
 * every container it starts, so a later command can exec into, signal and
 * remove what an earlier one started. It lives until killed or reboot.
 * When it is gone, the next one joins the namespace that running
 * containers still hold, or else makes a new one.
 */
import { existsSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../common/errors.ts';
import { withLock } from '../../common/lock.ts';
import { procStartTime, processAlive } from '../container-store/proc.ts';
import type { IdRange } from './subids.ts';

/** The user, the ids they may map (subids.ts) and the programs that map them (idMappers). */
export interface HostUser {
  uid: number;
  gid: number;
  uids: IdRange;
  gids: IdRange;
  mappers: { newuidmap: string; newgidmap: string };
}

function mapper(name: string): string | undefined {
  for (const dir of ['/usr/bin', '/usr/sbin', '/bin', '/sbin', ...(process.env.PATH ?? '').split(':')]) {
    if (dir.startsWith('/') && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** newuidmap/newgidmap (setuid root, from shadow's `uidmap` package): the only way to map more ids than one's own. */
export function idMappers(): HostUser['mappers'] {
  const newuidmap = mapper('newuidmap');
  const newgidmap = mapper('newgidmap');
  if (!newuidmap || !newgidmap) throw new UserError('rootless mode needs newuidmap and newgidmap: install the uidmap package (apt-get install uidmap)');
  return { newuidmap, newgidmap };
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

/** `sh` in its own session, its line on stdout once it runs (after unshare or setns), then `sleep` for good. */
async function holder(prefix: string[]): Promise<ReturnType<typeof Bun.spawn> & { stdout: ReadableStream<Uint8Array> } | string> {
  const child = Bun.spawn([...prefix, '--', '/bin/sh', '-c', 'echo; exec sleep infinity </dev/null >/dev/null 2>&1'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
    cwd: '/',
  });
  const reader = child.stdout.getReader();
  const first = await reader.read();
  reader.releaseLock();
  if (!first.done) return child;
  return (await new Response(child.stderr).text()).trim().split('\n').pop() || `${prefix[0]} exited ${await child.exited}`;
}

/**
 * Starts a pause process in a new user namespace and writes its maps: the
 * user as 0, the subordinate ids from 1. It holds a mount namespace of that
 * user namespace too (a copy of the host's that keeps receiving its mounts):
 * runc, when a container has a user namespace of its own (--userns keep-id),
 * goes back to its own mount namespace to open bind-mount sources, which it
 * may only do in one its user namespace owns.
 */
async function startPause(user: HostUser): Promise<number> {
  const { uids, gids, mappers: { newuidmap, newgidmap } } = user;
  const child = await holder(['unshare', '--user', '--mount', '--propagation', 'slave']);
  if (typeof child === 'string') throw new UserError(`rootless mode: cannot create a user namespace: ${child}`);
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

/**
 * A live container monitor (or foreground rocker) of the store in a user
 * namespace of the user's: the namespace of a pause process that was
 * killed while containers ran. A new pause process joins it, so later
 * commands still reach those containers (Podman joins a container's
 * namespace the same way).
 */
function orphanedNamespace(root: string): number | undefined {
  const dir = join(root, 'containers');
  let own: string;
  let ids: string[];
  try {
    own = readlinkSync('/proc/self/ns/user');
    ids = readdirSync(dir).filter((e) => /^[0-9a-f]{64}$/.test(e));
  } catch {
    return undefined;
  }
  for (const id of ids) {
    try {
      const [pid, start] = readFileSync(join(dir, id, 'monitor'), 'utf8').trim().split(' ');
      if (processAlive(Number(pid), start ?? '') && readlinkSync(`/proc/${pid}/ns/user`) !== own) return Number(pid);
    } catch {
      // no monitor, or it ended meanwhile
    }
  }
  return undefined;
}

/** A pause process in the namespaces `pid` is in, or undefined if it could not join. */
async function rejoin(pid: number): Promise<number | undefined> {
  const child = await holder(['nsenter', `--user=/proc/${pid}/ns/user`, ...ownMountNamespace(pid)]);
  if (typeof child === 'string') return undefined;
  child.unref();
  return child.pid;
}

/** The pid of the user's live pause process, started first if there is none. */
export async function pauseProcess(runDir: string, storeRoot: string, user: HostUser): Promise<number> {
  const file = join(runDir, 'pause.pid');
  const pid = readPause(file);
  if (pid !== undefined) return pid;
  return withLock(join(runDir, 'pause.lock'), async () => {
    const again = readPause(file);
    if (again !== undefined) return again;
    const orphaned = orphanedNamespace(storeRoot);
    const fresh = (orphaned !== undefined ? await rejoin(orphaned) : undefined) ?? (await startPause(user));
    writeFileSync(file, `${fresh} ${procStartTime(fresh) ?? 0}\n`);
    return fresh;
  });
}

/**
 * nsenter's argument for the mount namespace `pid` holds, when it is not the
 * caller's: a pause process started by an older rocker held none of its own.
 */
export function ownMountNamespace(pid: number): string[] {
  try {
    return readlinkSync(`/proc/${pid}/ns/mnt`) === readlinkSync('/proc/self/ns/mnt') ? [] : [`--mount=/proc/${pid}/ns/mnt`];
  } catch {
    return [];
  }
}
