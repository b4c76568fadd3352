import { join } from 'node:path';

/** Where an engine keeps its data: everything derives from these two roots. */
export interface StorePaths {
  /** Persistent store (`--root`, ROCKER_ROOT, /var/lib/rocker). */
  root: string;
  /** Runtime state that must not survive a reboot (ROCKER_RUNROOT, /run/rocker). */
  runRoot: string;
  images: string;
  layers: string;
  containers: string;
  /** Staging for imports and pulls: same file system as the store, so renames are atomic. */
  tmp: string;
  locks: string;
  /** The listings' caches (common/stat-cache.ts): disposable, checked against the files on every use. */
  cache: string;
}

export function storePaths(root: string, runRoot: string): StorePaths {
  return {
    root,
    runRoot,
    images: join(root, 'images'),
    layers: join(root, 'layers', 'sha256'),
    containers: join(root, 'containers'),
    tmp: join(root, 'tmp'),
    locks: join(root, 'locks'),
    cache: join(root, 'cache'),
  };
}

export const DEFAULT_ROOT = '/var/lib/rocker';
export const DEFAULT_RUNROOT = '/run/rocker';

/** Set by rootless/enter.ts, to the user's host uid, for the rocker it continues as inside the user's namespace. */
export const ROOTLESS_ENV = 'ROCKER_ROOTLESS_UID';

/** The host uid of a rootless rocker (root of a user's namespace), undefined for rocker run by root. */
export function rootlessUid(): number | undefined {
  const v = process.env[ROOTLESS_ENV];
  return v ? Number(v) : undefined;
}

export const ROOTLESS_GID_ENV = 'ROCKER_ROOTLESS_GID';

/** The host gid of a rootless rocker's user (their primary group). */
export function rootlessGid(): number | undefined {
  const v = process.env[ROOTLESS_GID_ENV];
  return v ? Number(v) : undefined;
}
