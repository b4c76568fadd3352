import { lstatSync, readdirSync } from 'node:fs';
import { applyDir, keepOwnership, layerDirs, type Layers } from '../container-store/tree-copy.ts';

/**
 * Docker's copy-up: a new, empty volume mounted where the image has a
 * directory gets that directory's files, owner and mode on first use.
 */
export function copyUp(image: Layers, path: string, data: string): void {
  if (readdirSync(data).length > 0) return;
  const dirs = layerDirs(image, path);
  if (!dirs?.length) return;
  for (const dir of dirs) applyDir(dir, data, image.isOpaque);
  keepOwnership(lstatSync(dirs[dirs.length - 1]!), data);
}
