import { randomHex } from '../../common/random.ts';
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
    const name = v.anonymous ? randomHex(32) : v.volume;
    const { volume, created } = createVolume(paths, name);
    if (created) made.push(name);
    if (!v.noCopy) copyUp(image, v.destination, volume.Mountpoint);
    return { ...v, volume: name, source: volume.Mountpoint };
  });
  return { ...options, volumes };
}

/** Removes the volumes a failed create made. */
export function discardVolumes(paths: StorePaths, made: string[]): void {
  for (const name of made) discardVolume(paths, name);
}

/**
 * The data directories of a container's anonymous volumes, one a line: the
 * sh monitor of a --rm container removes them with the container.
 */
export function anonymousList(options: RunOptions): string {
  return options.volumes.filter((v) => v.anonymous).map((v) => `${v.source.replace(/\/_data$/, '')}\n`).join('');
}

/** Removes a container's anonymous volumes (--rm in the foreground; the sh monitor does it in the background). */
export function discardAnonymous(paths: StorePaths, options: RunOptions): void {
  discardVolumes(paths, options.volumes.filter((v) => v.anonymous && v.volume).map((v) => v.volume!));
}
