import { UserError } from '../../common/errors.ts';
import { ImageStore } from '../image-store/store.ts';
import type { ImageConfig, ImageRecord } from '../image-store/record.ts';
import { LayerStore } from '../layer-store/store.ts';
import type { StorePaths } from '../paths.ts';
import { parseImageRef } from '../reference.ts';
import { upperDirTar } from './layer-tar.ts';
import type { ContainerRecord } from './record.ts';
import { containerFiles } from './store.ts';
import { containerUsages } from './usage.ts';

/**
 * A new image: the container's image layers plus one layer made of its
 * upper directory. The configuration is the image's (so the new image runs
 * like the old one), or, if that image is gone, the container's own.
 */
export async function commitContainer(paths: StorePaths, rec: ContainerRecord, target: string): Promise<ImageRecord> {
  const ref = parseImageRef(target);
  if (ref.digest) throw new UserError(`invalid image name "${target}": a commit target cannot have a digest`);
  const layers = new LayerStore(paths);
  const images = new ImageStore(paths, layers, () => containerUsages(paths));
  const base = images.list().images.find((i) => i.digest === rec.image.digest);
  const config: ImageConfig = base?.config ?? { Env: rec.process.env, Cmd: rec.command, WorkingDir: rec.process.cwd };
  const { getXattr } = await import('../sys/libc.ts');
  const isOpaque = (p: string) => getXattr(p, 'trusted.overlay.opaque') === 'y';
  const { diffId } = await layers.importStream(upperDirTar(containerFiles(paths, rec.id).upper, isOpaque), `container ${rec.name}`);
  return images.commit({
    name: ref.name,
    tag: ref.tag,
    layers: [...rec.layers, diffId],
    config,
    history: [{ created: new Date().toISOString(), created_by: `rocker commit ${rec.name}`, comment: `from container ${rec.id.slice(0, 12)}` }],
  });
}
