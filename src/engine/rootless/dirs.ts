// Where a rootless user's store and runtime state live: their own directories, never root's.
import { lstatSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../../common/errors.ts';

/** `$XDG_DATA_HOME/rocker`, by default `~/.local/share/rocker` (Podman's layout). */
export function userDataDir(env: Record<string, string | undefined>): string {
  const xdg = env.XDG_DATA_HOME;
  return join(xdg?.startsWith('/') ? xdg : join(env.HOME || homedir(), '.local', 'share'), 'rocker');
}

/**
 * A directory only `uid` may use: created 0700 if missing, else checked to
 * be a real directory of theirs that nobody else can write to (in /tmp
 * another user could have made it first, to watch or plant state).
 */
export function privateDir(dir: string, uid: number): string {
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new UserError(`rootless mode: cannot create ${dir}: ${(err as Error).message}`);
  }
  const st = lstatSync(dir);
  if (!st.isDirectory() || st.uid !== uid || (st.mode & 0o022) !== 0) {
    throw new UserError(`rootless mode: ${dir} is not a private directory of uid ${uid} (owner ${st.uid}, mode ${(st.mode & 0o7777).toString(8)}): remove it or set XDG_RUNTIME_DIR`);
  }
  return dir;
}

/**
 * The user's runtime directory for rocker: `$XDG_RUNTIME_DIR/rocker` when
 * that directory is the user's (systemd-logind makes it, tmpfs, gone at
 * logout or reboot), else `/tmp/rocker-<uid>`, as Podman falls back.
 */
export function userRunDir(env: Record<string, string | undefined>, uid: number): string {
  const xdg = env.XDG_RUNTIME_DIR;
  if (xdg?.startsWith('/')) {
    try {
      const st = lstatSync(xdg);
      if (st.isDirectory() && st.uid === uid) return privateDir(join(xdg, 'rocker'), uid);
    } catch {
      // not there (su without a login session): the fallback
    }
  }
  return privateDir(`/tmp/rocker-${uid}`, uid);
}
