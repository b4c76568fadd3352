// Names that must match the original Nushell ocx exactly, so that existing
// users keep their containers, ports and data volumes.
import { createHash } from 'node:crypto';
import { basename } from 'node:path';

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 24;
    for (let k = 0; k < 8; k++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
    t[i] = c >>> 0;
  }
  return t;
})();

/** POSIX `cksum` CRC of `text` (the first number cksum prints). */
export function cksum(text: string): number {
  const bytes = Buffer.from(text, 'utf8');
  let crc = 0;
  const feed = (b: number) => {
    crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ b) & 0xff]!) >>> 0;
  };
  for (const b of bytes) feed(b);
  // cksum appends the length, least significant byte first, without trailing zeros.
  for (let n = bytes.length; n > 0; n = Math.floor(n / 256)) feed(n & 0xff);
  return ~crc >>> 0;
}

/** The port the original derives from the current directory's path string. */
export function derivedPort(cwd: string): number {
  return 32768 + (cksum(cwd) % 32768);
}

/** `ocx-<basename of cwd>-<port>`, or `<container_name>-<port>` when configured. */
export function containerName(cwd: string, port: number, configured?: string | null): string {
  return configured ? `${configured}-${port}` : `ocx-${basename(cwd)}-${port}`;
}

/**
 * Where the workspace appears inside the container: the same place under
 * /home/<user> when it is under $HOME, else under /workspace.
 */
export function containerWorkspacePath(hostPath: string, home: string, username: string): string {
  const h = home.replace(/\/+$/, '');
  if (hostPath === h) return `/home/${username}/`;
  if (h && hostPath.startsWith(`${h}/`)) return `/home/${username}/${hostPath.slice(h.length + 1)}`;
  return `/workspace/${hostPath.replace(/^\/+/, '')}`;
}

/** A git remote URL as the original turns it into a volume name part. */
export function sanitizeRemoteUrl(url: string): string {
  let s = url
    .replace(/^https?:\/\//, '')
    .replace(/^git@/, '')
    .replace(/^ssh:\/\//, '')
    .replace(/^git:\/\//, '')
    .replace(/\.git$/, '')
    .replaceAll(':', '/')
    .replace(/[/._@]/g, '-')
    .replace(/[^a-zA-Z0-9-]/g, '')
    .toLowerCase()
    .replace(/-+/g, '-')
    .replace(/^-+|-+$/g, '');
  // Nushell's `str substring 0..15` is inclusive: 16 characters.
  if (s.length > 200) s = `git-${createHash('md5').update(url).digest('hex').slice(0, 16)}`;
  return s;
}

/** `ocx-dir-<first 9 hex of sha256(path)>` (Nushell's inclusive `0..8`). */
export function dirVolumeName(path: string): string {
  return `ocx-dir-${createHash('sha256').update(path).digest('hex').slice(0, 9)}`;
}

export type DataVolumesMode = 'always' | 'git' | 'never';

export interface GitFacts {
  /** Inside a git work tree. */
  inRepo: boolean;
  /** origin's URL, else the first remote's, else undefined. */
  remoteUrl?: string;
  /** `git rev-parse --show-toplevel`. */
  root?: string;
}

/** Base name of the two data volumes (`<base>-cache`, `<base>-local`), or undefined for none. */
export function volumeBaseName(mode: DataVolumesMode, override: string | null | undefined, git: GitFacts, cwd: string): string | undefined {
  if (override) return override;
  if (mode === 'never') return undefined;
  if (git.inRepo) {
    if (git.remoteUrl) return `ocx-git-${sanitizeRemoteUrl(git.remoteUrl)}`;
    return git.root ? dirVolumeName(git.root) : undefined;
  }
  return mode === 'always' ? dirVolumeName(cwd) : undefined;
}
