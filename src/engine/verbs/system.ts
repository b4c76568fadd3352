import type { DiskUsage, UsageRow } from '../image-store/disk-usage.ts';
import type { Stores } from '../stores.ts';

/** Whole-store verbs: disk usage. */
export class SystemVerbs {
  constructor(private readonly stores: Stores) {}

  /** Disk usage of images, containers, layers, blobs and the build cache. */
  async df(): Promise<DiskUsage & { build_cache: UsageRow }> {
    const [{ diskUsage }, { containerUsages }, { containerStatus }, { containerFiles, listContainers }, { cacheUsage }] = await Promise.all([
      import('../image-store/disk-usage.ts'), import('../container-store/usage.ts'), import('../container-store/status.ts'), import('../container-store/store.ts'), import('../build-cache/store.ts'),
    ]);
    const { paths, images, layers } = this.stores;
    const records = new Map(listContainers(paths).map((c) => [c.id, c]));
    const running = (id: string) => {
      const rec = records.get(id);
      return rec ? containerStatus(paths, rec).state === 'running' : false;
    };
    const du = diskUsage(images, layers, containerUsages(paths), (id) => containerFiles(paths, id).dir, running);
    const imageLayers = new Set(images.list().images.flatMap((i) => i.layers));
    return { ...du, build_cache: cacheUsage(paths, (l) => layers.info(l)?.size ?? 0, imageLayers) };
  }
}
