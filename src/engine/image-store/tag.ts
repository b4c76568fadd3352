import { UserError } from '../../common/errors.ts';
import { parseImageRef } from '../reference.ts';
import type { ImageRecord } from './record.ts';
import type { ImageStore } from './store.ts';

/** `rocker tag SOURCE TARGET`: a second name for the same config blob and layers (same id). */
export async function tagImage(images: ImageStore, source: string, target: string): Promise<ImageRecord> {
  const ref = parseImageRef(target, 'target image name');
  if (ref.digest) throw new UserError(`invalid target image name "${target}": a tag, not a digest`);
  const rec = images.resolve(source);
  const manifest = images.manifest(rec);
  return images.commitConfig({
    name: ref.name,
    tag: ref.tag,
    configBytes: images.configBytes(rec),
    layers: rec.layers,
    created: rec.created,
    ...(manifest ? { manifestDigest: manifest.digest, manifestBytes: manifest.bytes } : {}),
  });
}
