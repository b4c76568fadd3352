import { existsSync, readFileSync } from 'node:fs';
import { UserError } from '../../common/errors.ts';
import { parseImageRef } from '../reference.ts';
import type { ImageRecord } from './record.ts';
import type { ImageStore } from './store.ts';

/** `rocker tag SOURCE TARGET`: a second name for the same config blob and layers (same id). */
export async function tagImage(images: ImageStore, source: string, target: string): Promise<ImageRecord> {
  const ref = parseImageRef(target, 'target image name');
  if (ref.digest) throw new UserError(`invalid target image name "${target}": a tag, not a digest`);
  const rec = images.resolve(source);
  let configBytes: Buffer;
  try {
    configBytes = readFileSync(images.blobPath(rec.digest));
  } catch {
    throw new UserError(`image ${rec.name}:${rec.tag} is damaged: its config blob ${rec.digest} is missing`);
  }
  const manifestDigest = typeof rec.manifest_digest === 'string' && existsSync(images.blobPath(rec.manifest_digest)) ? rec.manifest_digest : undefined;
  return images.commitConfig({
    name: ref.name,
    tag: ref.tag,
    configBytes,
    layers: rec.layers,
    created: rec.created,
    ...(manifestDigest ? { manifestDigest, manifestBytes: readFileSync(images.blobPath(manifestDigest)) } : {}),
  });
}
