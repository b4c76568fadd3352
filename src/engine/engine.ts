import { containerUsages } from './container-store/usage.ts';
import { ImageStore } from './image-store/store.ts';
import { LayerStore } from './layer-store/store.ts';
import type { StorePaths } from './paths.ts';

export interface Engine {
  paths: StorePaths;
  layers: LayerStore;
  images: ImageStore;
}

/** The stores over one root, wired so that images know which containers use them. */
export function openEngine(paths: StorePaths): Engine {
  const layers = new LayerStore(paths);
  return { paths, layers, images: new ImageStore(paths, layers, () => containerUsages(paths)) };
}
