import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import type { StorePaths } from '../paths.ts';

/**
 * Serialises the download of one layer across processes: concurrent pulls of
 * images that share a layer fetch it once; the second waits, then finds it in
 * the store. Unlike the store lock this one may be held for minutes, so it
 * waits without a retry limit; proper-lockfile refreshes it while held and a
 * killed holder's lock goes stale after 10 s.
 */
export async function withLayerLock<T>(paths: StorePaths, digest: string, fn: () => Promise<T>): Promise<T> {
  const path = join(paths.locks, `layer-${digest.replace(/^sha256:/, '')}`);
  mkdirSync(path, { recursive: true });
  const release = await lockfile.lock(path, {
    stale: 10_000,
    retries: { forever: true, factor: 1.3, minTimeout: 20, maxTimeout: 500 },
    realpath: false,
  });
  try {
    return await fn();
  } finally {
    await release().catch(() => undefined);
  }
}
