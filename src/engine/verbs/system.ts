import type { DiskUsage } from '../image-store/disk-usage.ts';
import type { Stores } from '../stores.ts';

/** Whole-store verbs: disk usage. */
export class SystemVerbs {
  constructor(private readonly stores: Stores) {}

  async df(): Promise<DiskUsage> {
    const [{ diskUsage }, { containerUsages }, { containerStatus }, { containerFiles, listContainers }] = await Promise.all([
      import('../image-store/disk-usage.ts'), import('../container-store/usage.ts'), import('../container-store/status.ts'), import('../container-store/store.ts'),
    ]);
    const { paths, images, layers } = this.stores;
    const records = new Map(listContainers(paths).map((c) => [c.id, c]));
    const running = (id: string) => {
      const rec = records.get(id);
      return rec ? containerStatus(paths, rec).state === 'running' : false;
    };
    return diskUsage(images, layers, containerUsages(paths), (id) => containerFiles(paths, id).dir, running);
  }
}
