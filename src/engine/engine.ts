import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { containerUsages } from './container-store/usage.ts';
import { ImageStore, type ContainerUsage } from './image-store/store.ts';
import { LayerStore } from './layer-store/store.ts';
import type { StorePaths } from './paths.ts';

export interface Engine {
  paths: StorePaths;
  layers: LayerStore;
  images: ImageStore;
}

/**
 * Layers the build cache keeps (`<root>/build-cache/*.json`, written by
 * src/engine/build/cache.ts, each with a `layers` list). Read here with
 * node:fs alone so that nothing of the builder loads on other commands.
 * The empty digest matches no image, so `rmi` never names the cache.
 */
function buildCacheUsages(paths: StorePaths): ContainerUsage[] {
  const dir = join(paths.root, 'build-cache');
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  const layers = new Set<string>();
  for (const n of names) {
    try {
      const entry = JSON.parse(readFileSync(join(dir, n), 'utf8')) as { layers?: unknown };
      if (Array.isArray(entry.layers)) for (const l of entry.layers) if (typeof l === 'string') layers.add(l);
    } catch {
      // A damaged entry keeps nothing; the builder ignores it too.
    }
  }
  return layers.size ? [{ id: 'build-cache', name: 'build cache', digest: '', layers: [...layers] }] : [];
}

/** The stores over one root, wired so that images know which containers (and the build cache) use them. */
export function openEngine(paths: StorePaths): Engine {
  const layers = new LayerStore(paths);
  return { paths, layers, images: new ImageStore(paths, layers, () => [...containerUsages(paths), ...buildCacheUsages(paths)]) };
}
