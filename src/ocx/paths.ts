import { realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** $HOME as the user's shell sees it (tests point it elsewhere). */
export function homeDir(): string {
  return process.env.HOME || homedir();
}

/** ~/.config/ocx: the global ocx.json, ocx.env and global custom Dockerfiles (fixed, as in the original). */
export function globalConfigDir(): string {
  return join(homeDir(), '.config', 'ocx');
}

/** ~/.cache/ocx: version cache and downloaded OpenCode binaries. */
export function cacheDir(): string {
  return join(homeDir(), '.cache', 'ocx');
}

/** `~` and `~/x` expanded against $HOME; other paths untouched. */
export function expandHome(p: string): string {
  if (p === '~') return homeDir();
  if (p.startsWith('~/')) return join(homeDir(), p.slice(2));
  return p;
}

/**
 * The directory the user is in, spelled as their shell spells it ($PWD keeps
 * symlinks), because the port and container name hash that exact string.
 */
export function currentDir(): string {
  const cwd = process.cwd();
  const pwd = process.env.PWD;
  if (pwd && pwd.startsWith('/')) {
    try {
      if (realpathSync(pwd) === realpathSync(cwd)) return pwd;
    } catch {
      /* stale $PWD */
    }
  }
  return cwd;
}
