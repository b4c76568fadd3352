// The file-system reads every check makes.
import { closeSync, openSync, readSync } from 'node:fs';
import { createHash } from 'node:crypto';

/** The sha256 of a file, read in chunks: blobs can be far larger than memory should hold. */
export function fileDigest(path: string): string {
  const hash = createHash('sha256');
  const buf = Buffer.allocUnsafe(1 << 20);
  const fd = openSync(path, 'r');
  try {
    for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0; ) hash.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return `sha256:${hash.digest('hex')}`;
}
