import type { ContainerUsage } from '../image-store/store.ts';
import type { StorePaths } from '../paths.ts';
import { listContainers } from './store.ts';

/** What the image store's `rmi` and garbage collection must keep for containers. */
export function containerUsages(paths: StorePaths): ContainerUsage[] {
  return listContainers(paths).map((c) => ({ id: c.id, name: c.name, digest: c.image.digest, layers: c.layers }));
}
