import { join } from 'node:path';
import { withLock } from '../../common/lock.ts';
import type { StorePaths } from '../paths.ts';

/**
 * Serialises the download of one layer across processes: concurrent pulls of
 * images that share a layer fetch it once; the second waits, then finds it in
 * the store. Correctness does not depend on it (two processes unpacking one
 * layer end with one copy, LayerStore.place); it only saves a download.
 */
export async function withLayerLock<T>(paths: StorePaths, digest: string, fn: () => Promise<T>): Promise<T> {
  return withLock(join(paths.locks, `layer-${digest.replace(/^sha256:/, '')}.lock`), fn);
}
