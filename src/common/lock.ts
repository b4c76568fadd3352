import { mkdirSync } from 'node:fs';
import lockfile from 'proper-lockfile';

/**
 * Runs `fn` holding an exclusive lock on `path` (a directory that must exist
 * or will be made). Used where two rocker processes must not interleave:
 * committing an image next to a garbage collection, allocating a name.
 * Stale locks of killed processes expire after `staleMs`.
 */
export async function withLock<T>(path: string, fn: () => Promise<T> | T, staleMs = 10_000): Promise<T> {
  mkdirSync(path, { recursive: true });
  const release = await lockfile.lock(path, {
    stale: staleMs,
    retries: { retries: 200, factor: 1.2, minTimeout: 5, maxTimeout: 100 },
    realpath: false,
  });
  try {
    return await fn();
  } finally {
    await release().catch(() => undefined);
  }
}
