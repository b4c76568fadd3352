import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { createGzip } from 'node:zlib';
import { UserError } from '../../common/errors.ts';
import { MEDIA_GZIP } from '../layer-store/verified-import.ts';
import { addLayerBlob, readLayerBlobs, type LayerBlob } from '../layer-store/blobs.ts';
import type { LayerStore } from '../layer-store/store.ts';

// Deterministic: sorted names, numeric owners, no access/change times, so the
// same files give the same blob and a second push finds it on the registry.
const TAR_ARGS = ['--sort=name', '--numeric-owner', '--format=posix',
  '--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime',
  '--xattrs', '--xattrs-include=security.capability', '-cf', '-', '.'];

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
export async function layerBlob(layers: LayerStore, blobsDir: string, diffId: string): Promise<LayerBlob & { path: string }> {
  const known = readLayerBlobs(layers, diffId);
  const usable = (b: LayerBlob) => existsSync(join(blobsDir, b.digest.slice(7)));
  const best = known.find((b) => b.diffId === diffId && usable(b)) ?? known.find(usable);
  if (best) return { ...best, path: join(blobsDir, best.digest.slice(7)) };
  if (!layers.has(diffId)) throw new UserError(`layer ${diffId} is not in the store`);

  mkdirSync(blobsDir, { recursive: true });
  // Made in staging (tmp/, same file system), where garbage collection does not look, then renamed in.
  const stage = layers.staging('blob');
  const tmp = join(stage, 'blob.tar.gz');
  const tarHash = createHash('sha256');
  const gzHash = createHash('sha256');
  let gzSize = 0;
  const tar = spawn('tar', ['-C', layers.diffPath(diffId), ...TAR_ARGS], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  tar.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<number>((resolve) => tar.on('close', (c) => resolve(c ?? 1)));
  try {
    await pipeline(tar.stdout, hashing((c) => tarHash.update(c)), createGzip({ level: 6 }), hashing((c) => {
      gzHash.update(c);
      gzSize += c.length;
    }), createWriteStream(tmp));
    const code = await exit;
    if (code !== 0) throw new UserError(`cannot archive layer ${diffId}: tar failed: ${err.trim().split('\n').pop()}`);
    const blob: LayerBlob = { digest: `sha256:${gzHash.digest('hex')}`, size: gzSize, mediaType: MEDIA_GZIP, diffId: `sha256:${tarHash.digest('hex')}`, sources: [] };
    const path = join(blobsDir, blob.digest.slice(7));
    await layers.lock(() => {
      renameSync(tmp, path);
      addLayerBlob(layers, diffId, blob);
    });
    return { ...blob, path };
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}
