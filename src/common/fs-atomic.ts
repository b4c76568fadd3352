import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomHex } from './random.ts';

/**
 * Writes a file so readers see either the old or the new content, never half.
 * `sync: false` leaves the flush to a later `syncFile`: a container start
 * flushes its record while the runtime starts rather than before.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, sync = true): void {
  const tmp = join(dirname(path), `.tmp-${process.pid}-${randomHex(4)}`);
  try {
    const fd = openSync(tmp, 'w', 0o644);
    try {
      writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
      if (sync) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

export function writeJsonAtomic(path: string, value: unknown, sync = true): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`, sync);
}

/** Flushes a file written with `sync: false` to the disk. */
export function syncFile(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
