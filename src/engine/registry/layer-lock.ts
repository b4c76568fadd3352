import { mkdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { StorePaths } from '../paths.ts';
import { pidAlive } from '../../common/process.ts';

const REFRESH_MS = 5_000;
const STALE_MS = 30_000;


/** Whether the lock directory's holder is gone: its process has exited, or it stopped refreshing the lock. */
function isStale(dir: string): boolean {
  try {
    const pid = Number(readFileSync(join(dir, 'owner'), 'utf8'));
    if (pid > 0 && !pidAlive(pid)) return true;
    return Date.now() - statSync(dir).mtimeMs > STALE_MS;
  } catch {
    // No owner file yet: the holder is between mkdir and write; judge by age only.
    try {
      return Date.now() - statSync(dir).mtimeMs > STALE_MS;
    } catch {
      return false;
    }
  }
}

/**
 * Serialises the download of one layer across processes: concurrent pulls of
 * images that share a layer fetch it once; the second waits, then finds it in
 * the store. A lock is a directory made atomically with the holder's pid in
 * it, refreshed while held; a killed holder's lock is taken over at once
 * (dead pid) or after 30 s without refresh (pid reused). Correctness does not
 * depend on it — two processes unpacking one layer end with one copy
 * (LayerStore.place) — it only saves the second download.
 */
export async function withLayerLock<T>(paths: StorePaths, digest: string, fn: () => Promise<T>): Promise<T> {
  mkdirSync(paths.locks, { recursive: true });
  const dir = join(paths.locks, `layer-${digest.replace(/^sha256:/, '')}.lock`);
  for (let wait = 20; ; wait = Math.min(wait * 1.5, 500)) {
    try {
      mkdirSync(dir);
      writeFileSync(join(dir, 'owner'), String(process.pid));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    if (isStale(dir)) {
      // Renamed away first, so a half-removed lock is never mistaken for a held one.
      const trash = join(paths.locks, `.stale-${process.pid}-${randomBytes(4).toString('hex')}`);
      try {
        renameSync(dir, trash);
        rmSync(trash, { recursive: true, force: true });
      } catch {
        // Another waiter took it over first.
      }
      continue;
    }
    await new Promise((r) => setTimeout(r, wait));
  }
  const refresh = setInterval(() => {
    try {
      const now = new Date();
      utimesSync(dir, now, now);
    } catch {
      // Taken over as stale: nothing to refresh; the download still ends correctly.
    }
  }, REFRESH_MS);
  try {
    return await fn();
  } finally {
    clearInterval(refresh);
    rmSync(dir, { recursive: true, force: true });
  }
}
