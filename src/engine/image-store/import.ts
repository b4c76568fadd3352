import { createReadStream, openSync, closeSync, fstatSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { UserError, describeFsError } from '../../common/errors.ts';
import { parseImageRef } from '../reference.ts';
import type { ImageRecord } from './record.ts';
import type { ImageStore } from './store.ts';

/** Opens the tar to import: a path, or `-` for standard input. */
export function openTarInput(file: string): { stream: Readable; what: string } {
  if (file === '-') return { stream: process.stdin, what: 'standard input' };
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    throw new UserError(`cannot import ${file}: ${describeFsError(e)}`);
  }
  if (fstatSync(fd).isDirectory()) {
    closeSync(fd);
    throw new UserError(`cannot import ${file}: is a directory, not a tar file`);
  }
  return { stream: createReadStream('', { fd, highWaterMark: 1 << 20 }), what: file };
}

/** `rocker import`: one tar (a whole root filesystem) becomes a one-layer image. */
export async function importImage(images: ImageStore, file: string, refText: string): Promise<ImageRecord> {
  // The name is checked before a byte is read or written.
  const ref = parseImageRef(refText);
  if (ref.digest) throw new UserError(`invalid image name "${refText}": an imported image takes a tag, not a digest`);
  const { stream, what } = openTarInput(file);
  const layer = await images.layers.importStream(stream, what);
  return images.commit({
    name: ref.name,
    tag: ref.tag,
    layers: [layer.diffId],
    config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: null },
    // No file name or time in the history: the same tar must give the same id.
    history: [{ created_by: 'rocker import', comment: 'imported from a tarball' }],
  });
}
