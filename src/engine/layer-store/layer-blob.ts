import { createHash } from 'node:crypto';
import { createWriteStream, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { createGzip } from 'node:zlib';
import { UserError } from '../../common/errors.ts';
import { upperDirTar } from '../tar/writer.ts';
import { getXattr } from '../sys/libc.ts';
import { MT } from '../oci/schemas.ts';
import { addLayerBlob, readLayerBlobs, type LayerBlob } from './blobs.ts';
import type { LayerStore } from './store.ts';


function hashing(update: (c: Buffer) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _e, cb) {
      update(chunk);
      cb(null, chunk);
    },
  });
}

/**
 * The compressed blob that carries a layer out of the store (push, save):
 * the one kept from a pull or load when there is one, else a gzip archive
 * made from the layer's files and remembered in blobs.json. A made archive
 * is a new tar, so its diff_id differs from the layer's (the original tar of
 * an imported layer is gone) and the exported config names the new one.
 */
export async function layerBlob(layers: LayerStore, diffId: string): Promise<LayerBlob & { path: string }> {
  const known = readLayerBlobs(layers, diffId);
  const usable = (b: LayerBlob) => layers.content.has(b.digest);
  const best = known.find((b) => b.diffId === diffId && usable(b)) ?? known.find(usable);
  if (best) return { ...best, path: layers.content.path(best.digest) };
  if (!layers.has(diffId)) throw new UserError(`layer ${diffId} is not in the store`);

  // Made in staging (tmp/, same file system), where garbage collection does not look, then renamed in.
  const stage = layers.staging('blob');
  const tmp = join(stage, 'blob.tar.gz');
  const tarHash = createHash('sha256');
  const gzHash = createHash('sha256');
  let gzSize = 0;
  // The same writer commit uses: sorted names, numeric owners, whole-second times (the same files
  // give the same blob, so a second push finds it on the registry), and overlay whiteouts written
  // back as OCI `.wh.` entries and opaque-directory markers.
  const isOpaque = (p: string) => getXattr(p, 'trusted.overlay.opaque') === 'y';
  try {
    await pipeline(upperDirTar(layers.diffPath(diffId), isOpaque), hashing((c) => tarHash.update(c)), createGzip({ level: 6 }), hashing((c) => {
      gzHash.update(c);
      gzSize += c.length;
    }), createWriteStream(tmp)).catch((e: Error) => {
      throw new UserError(`cannot archive layer ${diffId}: ${e.message}`);
    });
    const blob: LayerBlob = { digest: `sha256:${gzHash.digest('hex')}`, size: gzSize, mediaType: MT.ociLayerGzip, diffId: `sha256:${tarHash.digest('hex')}`, sources: [] };
    await layers.lock(() => {
      layers.content.adopt(tmp, blob.digest);
      addLayerBlob(layers, diffId, blob);
    });
    return { ...blob, path: layers.content.path(blob.digest) };
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}
