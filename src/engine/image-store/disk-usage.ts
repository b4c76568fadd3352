import { lstatSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { layerBlobDigests } from '../layer-store/blobs.ts';
import type { LayerStore } from '../layer-store/store.ts';
import type { ContainerUsage, ImageStore } from './store.ts';

export interface UsageRow {
  total: number;
  active: number;
  size: number;
  shared: number;
  reclaimable: number;
}

export interface DiskUsage {
  images: UsageRow;
  containers: UsageRow;
  layers: UsageRow;
  /** Compressed layer blobs, configs and manifests in blobs/. */
  blobs: UsageRow;
}

/** Bytes of regular files under `dir`, each inode once (hard links are not counted again). */
export function treeSize(dir: string, seen = new Set<string>()): number {
  let total = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) total += treeSize(p, seen);
    else if (e.isFile()) {
      const st = lstatSync(p);
      const key = `${st.dev}:${st.ino}`;
      if (st.nlink > 1 && seen.has(key)) continue;
      seen.add(key);
      total += st.size;
    }
  }
  return total;
}

/**
 * `rocker system df`. Images: size counts each layer once; shared is what
 * layers used by two or more images hold; reclaimable what images no
 * container uses would free. Layers: reclaimable is what prune frees now.
 */
export function diskUsage(images: ImageStore, layers: LayerStore, usages: ContainerUsage[], containerDir: (id: string) => string, running: (id: string) => boolean): DiskUsage {
  const recs = images.list().images;
  const size = (l: string) => layers.info(l)?.size ?? 0;
  const byImage = new Map<string, Set<string>>();
  for (const r of recs) byImage.set(r.digest, new Set(r.layers));
  const imageUsers = new Map<string, number>();
  for (const ls of byImage.values()) for (const l of ls) imageUsers.set(l, (imageUsers.get(l) ?? 0) + 1);
  const containerLayers = new Set(usages.flatMap((u) => u.layers));
  const usedImages = new Set(usages.map((u) => u.digest));
  const imageLayers = [...imageUsers.keys()];
  const imagesRow: UsageRow = {
    total: byImage.size,
    active: [...byImage.keys()].filter((d) => usedImages.has(d)).length,
    size: imageLayers.reduce((n, l) => n + size(l), 0),
    shared: imageLayers.filter((l) => imageUsers.get(l)! > 1).reduce((n, l) => n + size(l), 0),
    reclaimable: imageLayers.filter((l) => !containerLayers.has(l)).reduce((n, l) => n + size(l), 0),
  };
  const sizes = usages.map((u) => ({ u, bytes: treeSize(join(containerDir(u.id), 'upper')) }));
  const containersRow: UsageRow = {
    total: usages.length,
    active: usages.filter((u) => running(u.id)).length,
    size: sizes.reduce((n, s) => n + s.bytes, 0),
    shared: 0,
    reclaimable: sizes.filter((s) => !running(s.u.id)).reduce((n, s) => n + s.bytes, 0),
  };
  const all = layers.list();
  const users = (l: string) => (imageUsers.get(l) ?? 0) + usages.filter((u) => u.layers.includes(l)).length;
  const layersRow: UsageRow = {
    total: all.length,
    active: all.filter((l) => users(l) > 0).length,
    size: all.reduce((n, l) => n + size(l), 0),
    shared: all.filter((l) => users(l) > 1).reduce((n, l) => n + size(l), 0),
    reclaimable: all.filter((l) => users(l) === 0).reduce((n, l) => n + size(l), 0),
  };
  const blobNames = layers.content.list();
  const unreferencedLayers = new Set(all.filter((l) => users(l) === 0));
  const freed = new Set(layerBlobDigests(layers, unreferencedLayers));
  const blobSize = (d: string) => layers.content.size(d);
  const blobsRow: UsageRow = {
    total: blobNames.length,
    active: blobNames.length - freed.size,
    size: blobNames.reduce((n, b) => n + blobSize(b), 0),
    shared: 0,
    reclaimable: [...freed].reduce((n, b) => n + blobSize(b), 0),
  };
  return { images: imagesRow, containers: containersRow, layers: layersRow, blobs: blobsRow };
}
