import type { DiskUsage, UsageRow } from '../image-store/disk-usage.ts';
import type { Stores } from '../stores.ts';
import type { PruneReport } from './images.ts';

export interface SystemPruneReport {
  containers: string[];
  volumes: string[];
  images: PruneReport;
  reclaimed: number;
}

/** Whole-store verbs: disk usage, prune. */
export class SystemVerbs {
  constructor(
    private readonly stores: Stores,
    private readonly runtime: string,
  ) {}

  /**
   * `system prune`: containers that are not running, then (with `volumes`)
   * volumes no container mounts, then images as `image prune` takes them
   * (`all`: every image no container uses) with their unused layers and blobs.
   */
  async prune(opts: { all: boolean; volumes: boolean }): Promise<SystemPruneReport> {
    const [{ pruneContainers }, { ImageVerbs }] = await Promise.all([import('../runtime/lifecycle.ts'), import('./images.ts')]);
    const containers = await pruneContainers(this.stores.paths, this.runtime);
    const volumes = opts.volumes ? await (await import('../volume-store/store.ts')).pruneVolumes(this.stores.paths) : { names: [], reclaimed: 0 };
    const images = await new ImageVerbs(this.stores, this.runtime).prune(opts.all);
    return { containers: containers.ids, volumes: volumes.names, images, reclaimed: containers.reclaimed + volumes.reclaimed + images.reclaimed };
  }

  /**
   * `system check`: the store against its digests and the host against the
   * store; with `repair`, what can be mended safely is, under the store lock.
   * Each problem with whether it was repaired (or why that failed).
   */
  async check(repair: boolean): Promise<Array<{ what: string; reason: string; repair?: string; repaired?: boolean; repairError?: string }>> {
    const { checkStore, repairStore } = await import('../check/index.ts');
    const problems = checkStore(this.stores, this.runtime);
    const failed = repair ? await repairStore(this.stores, problems) : new Map();
    return problems.map((p) => ({
      what: p.what,
      reason: p.reason,
      ...(p.repair ? { repair: p.repair.action, repaired: repair && !failed.has(p), ...(failed.has(p) ? { repairError: failed.get(p) } : {}) } : {}),
    }));
  }

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
