import { readdirSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../common/errors.ts';
import type { ImageConfig, ImageRecord } from '../image-store/record.ts';
import type { ImageStore } from '../image-store/store.ts';
import { parseImageRef } from '../reference.ts';
import { upperDirTar } from '../tar/writer.ts';
import type { ContainerRecord } from './record.ts';
import { containerFiles } from './store.ts';

/**
 * The runtime creates an empty file or directory in the upper directory for
 * each mount target the image lacks (/etc/hosts, volumes, tmpfs): they are
 * the container's plumbing, not its changes, so commit leaves them out, as
 * Docker does with its init layer.
 */
function mountStubs(rec: ContainerRecord, upper: string): (relPath: string, st: Stats) => boolean {
  const targets = new Set(['etc/hosts', 'etc/hostname', 'etc/resolv.conf', 'proc', 'sys', 'dev', ...rec.options.volumes.map((v) => v.destination.slice(1)), ...rec.options.tmpfs.map((t) => t.destination.slice(1))]);
  return (rel, st) => {
    if (!targets.has(rel)) return false;
    if (st.isFile()) return st.size === 0;
    if (st.isDirectory()) return readdirSync(join(upper, rel)).length === 0;
    return false;
  };
}

/** The container's changes (its upper directory) as a new layer in the layer store, pinned for this process. */
export async function commitLayer(images: ImageStore, rec: ContainerRecord): Promise<{ diffId: string; size: number }> {
  const { getXattr } = await import('../sys/libc.ts');
  const isOpaque = (p: string) => getXattr(p, 'trusted.overlay.opaque') === 'y';
  const upper = containerFiles(images.paths, rec.id).upper;
  return images.layers.importStream(upperDirTar(upper, isOpaque, mountStubs(rec, upper)), `container ${rec.name}`);
}

/**
 * A new image: the container's image layers plus one layer made of its
 * upper directory. The configuration is the image's (so the new image runs
 * like the old one), or, if that image is gone, the container's own.
 */
export async function commitContainer(images: ImageStore, rec: ContainerRecord, target: string): Promise<ImageRecord> {
  const ref = parseImageRef(target);
  if (ref.digest) throw new UserError(`invalid image name "${target}": a commit target cannot have a digest`);
  const base = images.list().images.find((i) => i.digest === rec.image.digest);
  const config: ImageConfig = base?.config ?? { Env: rec.process.env, Cmd: rec.command, WorkingDir: rec.process.cwd };
  const { diffId } = await commitLayer(images, rec);
  return images.commit({
    name: ref.name,
    tag: ref.tag,
    layers: [...rec.layers, diffId],
    config,
    history: [{ created: new Date().toISOString(), created_by: `rocker commit ${rec.name}`, comment: `from container ${rec.id.slice(0, 12)}` }],
  });
}
