import { mkdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pidAlive } from './process.ts';
import { randomHex } from './random.ts';

const REFRESH_MS = 5_000;
const STALE_MS = 30_000;

function owner(dir: string): number | undefined {
  try {
    return Number(readFileSync(join(dir, 'owner'), 'utf8')) || undefined;
  } catch {
    return undefined;
  }
}

/** The holder has exited, or stopped refreshing the lock (its pid may have been reused). */
function isStale(dir: string): boolean {
  const pid = owner(dir);
  if (pid !== undefined && !pidAlive(pid)) return true;
  try {
    return Date.now() - statSync(dir).mtimeMs > STALE_MS;
  } catch {
    return false;
  }
}

/** Takes a stale lock away; puts it back if it turns out another waiter had just taken it afresh. */
function breakStale(dir: string, stalePid: number | undefined): void {
  const trash = join(dirname(dir), `.stale-${process.pid}-${randomHex(4)}`);
  try {
    renameSync(dir, trash);
  } catch {
    return; // another waiter broke it first
  }
  if (owner(trash) !== stalePid) {
    try {
      renameSync(trash, dir);
      return;
    } catch {
      // The lock was taken again meanwhile; the fresh holder keeps it.
    }
  }
  rmSync(trash, { recursive: true, force: true });
}

/**
 * Runs `fn` holding an exclusive lock across processes. The lock is a
 * directory made atomically (mkdir) holding the holder's pid, refreshed while
 * held, so a killed holder's lock is taken over at once (dead pid) or after
 * 30 s without refresh. A directory and a pid rather than a library: this is
 * on the container start path, and the lock library took 10 ms to load.
 */
export async function withLock<T>(dir: string, fn: () => Promise<T> | T): Promise<T> {
  mkdirSync(dirname(dir), { recursive: true });
  for (let wait = 5; ; wait = Math.min(wait * 1.5, 200)) {
    try {
      mkdirSync(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (isStale(dir)) breakStale(dir, owner(dir));
      else await new Promise((r) => setTimeout(r, wait));
      continue;
    }
    try {
      writeFileSync(join(dir, 'owner'), String(process.pid));
      break;
    } catch (e) {
      // A full disk: a lock without its owner would hold every other process off until it went stale.
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
  }
  const refresh = setInterval(() => {
    try {
      const now = new Date();
      utimesSync(dir, now, now);
    } catch {
      // Taken over as stale: nothing left to refresh.
    }
  }, REFRESH_MS);
  refresh.unref?.();
  try {
    return await fn();
  } finally {
    clearInterval(refresh);
    rmSync(dir, { recursive: true, force: true });
  }
}
