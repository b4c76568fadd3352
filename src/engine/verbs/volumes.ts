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

  /** Volumes by name; `filters` are Docker's: name (a substring), label, dangling (no container mounts it), driver. */
  async list(filters: string[] = []): Promise<VolumeInfo[]> {
    const volumes = listVolumes(this.paths);
    if (!filters.length) return volumes;
    const { allOf, boolValue, groupFilters, labelTest } = await import('./filters.ts');
    const users = volumeUsers(this.paths);
    const keep = allOf<VolumeInfo>(groupFilters(filters, ['name', 'label', 'dangling', 'driver']), {
      name: (v) => (vol) => vol.Name.includes(v),
      label: (v) => {
        const test = labelTest(v);
        return (vol) => test(vol.Labels);
      },
      dangling: (v) => {
        const want = boolValue(v, 'dangling');
        return (vol) => !users.has(vol.Name) === want;
      },
      driver: (v) => (vol) => vol.Driver === v,
    });
    return volumes.filter(keep);
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
