import { randomHex } from '../../common/random.ts';
import type { StorePaths } from '../paths.ts';
import {
  checkVolumeName, createVolume, listVolumes, pruneVolumes, removeVolume, resolveVolume, volumeUsers, type VolumeInfo,
} from '../volume-store/store.ts';

/** Named volumes: `<root>/volumes/<name>/_data`, kept until removed (see docs/volumes.md). */
export class VolumeVerbs {
  constructor(private readonly paths: StorePaths) {}

  /** Creates the volume (a random 64-hex name if none is given), or returns the existing one of that name. */
  create(name: string | undefined, labels: Record<string, string>): VolumeInfo {
    return createVolume(this.paths, name === undefined ? randomHex(32) : checkVolumeName(name), labels).volume;
  }

  list(): VolumeInfo[] {
    return listVolumes(this.paths);
  }

  inspect(name: string): VolumeInfo {
    return resolveVolume(this.paths, checkVolumeName(name));
  }

  /** The ids of the containers that mount each volume. */
  users(): Map<string, string[]> {
    return volumeUsers(this.paths);
  }

  remove(name: string, force: boolean): Promise<void> {
    return removeVolume(this.paths, checkVolumeName(name), force);
  }

  prune(): Promise<{ names: string[]; reclaimed: number }> {
    return pruneVolumes(this.paths);
  }
}
