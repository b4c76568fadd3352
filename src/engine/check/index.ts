/**
 * `rocker system check`: the store verified against itself (every blob
 * against its digest, every layer and image record, container records) and
 * against the host (mounts, cgroups, runtime state, staging), with the safe
 * repairs, as Podman's `system check` does. Pure functions over the stores.
 */
import type { Stores } from '../stores.ts';
import { checkBlobs, checkImages, checkLayers } from './content.ts';
import { checkContainers, checkStaging } from './host.ts';
import type { Problem } from './problems.ts';

export type { Problem } from './problems.ts';

export function checkStore(stores: Stores, runtimeName: string): Problem[] {
  const problems: Problem[] = [];
  const blobs = checkBlobs(stores.content, problems);
  const layers = checkLayers(stores.paths, stores.layers, blobs, problems);
  checkImages(stores.paths, stores.images, blobs, layers, problems);
  checkContainers(stores.paths, layers, runtimeName, problems);
  checkStaging(stores.paths, problems);
  return problems;
}

/**
 * Applies the repairs, under the store lock so no pull or commit runs
 * meanwhile, then collects what the removals left unreferenced. Returns the
 * problems whose repair failed, with the reason.
 */
export async function repairStore(stores: Stores, problems: Problem[]): Promise<Map<Problem, string>> {
  const failed = new Map<Problem, string>();
  await stores.layers.lock(() => {
    for (const p of problems) {
      try {
        p.repair?.apply();
      } catch (err) {
        failed.set(p, (err as Error).message);
      }
    }
  });
  await stores.images.prune();
  return failed;
}
