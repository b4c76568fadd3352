/*
 * How a rootless `rocker` starts: as the user it makes sure of its store,
 * its runtime directory and its pause process, then becomes
 * `nsenter --user=/proc/PAUSE/ns/user --mount=/proc/PAUSE/ns/mnt rocker ARGS`
 * in the same process.
 * The second rocker is root in the user's namespace, and the rest of the
 * engine runs as it does for root, on the user's store.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { UserError } from '../../common/errors.ts';
import { execve } from '../sys/libc.ts';
import { userDataDir, userRunDir } from './dirs.ts';
import { ROOTLESS_ENV, ROOTLESS_GID_ENV } from '../paths.ts';
import { idMappers, ownMountNamespace, pauseProcess } from './pause.ts';
import { subordinateIds } from './subids.ts';

/** This program as a command line: the compiled executable, or Bun and the script when run from source. */
function self(): string[] {
  const script = process.argv[1] ?? '';
  return script.startsWith('/$bunfs/') || script === '' ? [process.execPath] : [process.execPath, script];
}

function nsenter(): string {
  for (const p of ['/usr/bin/nsenter', '/bin/nsenter', '/usr/sbin/nsenter']) if (Bun.file(p).size > 0) return p;
  throw new UserError('rootless mode needs nsenter: install util-linux (apt-get install util-linux)');
}

/** The user's login name: /etc/passwd's (Bun's userInfo() may answer "unknown"), else the directory service's, else the number. */
function userName(uid: number): string {
  try {
    const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.split(':')[2] === String(uid));
    if (line) return line.split(':')[0]!;
  } catch {
    // no /etc/passwd
  }
  const name = userInfo().username;
  return name && name !== 'unknown' ? name : String(uid);
}

/** Continues `argv` (rocker's arguments) inside the user's namespace; returns only by throwing. */
export async function enterRootless(argv: string[]): Promise<never> {
  const uid = process.getuid!();
  const gid = process.getgid!();
  const username = userName(uid);
  // Checked before anything is made: a user without subordinate ids or newuidmap is told so and nothing is left behind.
  const ids = { uids: subordinateIds('/etc/subuid', username, uid), gids: subordinateIds('/etc/subgid', username, uid), mappers: idMappers() };
  const env = { ...process.env };
  const runDir = userRunDir(env, uid);
  if (!env.ROCKER_ROOT) {
    env.ROCKER_ROOT = userDataDir(env);
    mkdirSync(env.ROCKER_ROOT, { recursive: true, mode: 0o700 });
  }
  env.ROCKER_RUNROOT ||= runDir;
  env[ROOTLESS_ENV] = String(uid);
  env[ROOTLESS_GID_ENV] = String(gid);
  const pause = await pauseProcess(runDir, env.ROCKER_ROOT, { uid, gid, ...ids });
  // Entering a mount namespace moves to its "/": the working directory is given again (the same path there).
  return execve(nsenter(), ['nsenter', `--user=/proc/${pause}/ns/user`, ...ownMountNamespace(pause), `--wd=${process.cwd()}`, '--', ...self(), ...argv], env);
}
