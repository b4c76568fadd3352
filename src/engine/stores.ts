import { buildCacheUsages } from './build-cache/store.ts';
import { containerUsages } from './container-store/usage.ts';
import { ContentStore } from './content/store.ts';
import { ImageStore } from './image-store/store.ts';
import { LayerStore } from './layer-store/store.ts';
import type { StorePaths } from './paths.ts';

/** The stores over one root: blobs under layers under images; images know which containers (and the build cache) use them. */
export interface Stores {
  paths: StorePaths;
  content: ContentStore;
  layers: LayerStore;
  images: ImageStore;
}

export function openStores(paths: StorePaths): Stores {
  const content = new ContentStore(paths.root);
  const layers = new LayerStore(paths, content);
  return { paths, content, layers, images: new ImageStore(paths, layers, () => [...containerUsages(paths), ...buildCacheUsages(paths)]) };
}
