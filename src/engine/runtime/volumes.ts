import type { RunOptions } from '../container-store/record.ts';
import type { StorePaths } from '../paths.ts';
import { copyUp } from '../volume-store/copy-up.ts';
import { createVolume, discardVolume } from '../volume-store/store.ts';
import type { Root } from './rootfs-lookup.ts';

/**
 * The named volumes of a new container: each is created if it does not
 * exist (its name is pushed on `made`, so a failed create can take it back)
 * and, while empty, gets the image's files at its mount point (Docker's
 * copy-up, unless `volume-nocopy`). Returns the options with each volume's
 * `_data` directory as the bind mount's source.
 */
export function mountVolumes(paths: StorePaths, options: RunOptions, image: Root, made: string[]): RunOptions {
  const volumes = options.volumes.map((v) => {
    if (v.volume === undefined) return v;
    const { volume, created } = createVolume(paths, v.volume);
    if (created) made.push(v.volume);
    if (!v.noCopy) copyUp(image, v.destination, volume.Mountpoint);
    return { ...v, source: volume.Mountpoint };
  });
  return { ...options, volumes };
}

/** Removes the volumes a failed create made. */
export function discardVolumes(paths: StorePaths, made: string[]): void {
  for (const name of made) discardVolume(paths, name);
}
