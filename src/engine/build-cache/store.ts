import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as v from 'valibot';
import { writeJsonAtomic } from '../../common/fs-atomic.ts';
import { sha256Hex } from '../../common/random.ts';
import { lazySchema, looseObject, object, record } from '../../common/schema.ts';
import type { ContainerUsage } from '../image-store/store.ts';
import type { HistoryEntry } from '../oci/config-blob.ts';
import type { ImageConfig } from '../oci/config-parse.ts';
import type { StorePaths } from '../paths.ts';

/** What a build step starts from and produces: an image's content and metadata, not yet named. */
export interface BuildState {
  layers: string[];
  config: ImageConfig;
  history: HistoryEntry[];
}

/**
 * `<root>/build-cache/<key>.json`: the state a step produced, keyed by the
 * step's parent state, its instruction as expanded and its inputs. The
 * `layers` field is also read by garbage collection (`buildCacheUsages`,
 * wired in src/engine/stores.ts), which keeps those layers while the entry exists.
 */
// Built on first use: `stores.ts` loads this file on every container start.
const entrySchema = lazySchema(() => object({
  layers: v.array(v.pipe(v.string(), v.regex(/^sha256:[0-9a-f]{64}$/))),
  config: record(v.string(), v.unknown()),
  history: v.array(looseObject({ created: v.optional(v.string()), created_by: v.optional(v.string()), comment: v.optional(v.string()), empty_layer: v.optional(v.boolean()) })),
}));

export const cacheDir = (paths: StorePaths) => join(paths.root, 'build-cache');

/** Changed whenever a step would make something else from the same inputs, so old entries stop matching. */
const RECIPE = 'rocker-build-2';

/** The key of a step: its parent's id, then every part that changes what it makes. */
export function cacheKey(parentId: string, parts: string[]): string {
  return sha256Hex(JSON.stringify([RECIPE, parentId, ...parts]));
}

/** The cached result of a step, or undefined (missing, damaged, or made by another version). */
export function cacheGet(paths: StorePaths, key: string): BuildState | undefined {
  try {
    const parsed = v.safeParse(entrySchema(), JSON.parse(readFileSync(join(cacheDir(paths), `${key}.json`), 'utf8')));
    return parsed.success ? (parsed.output as BuildState) : undefined;
  } catch {
    return undefined;
  }
}

export function cachePut(paths: StorePaths, key: string, state: BuildState): void {
  mkdirSync(cacheDir(paths), { recursive: true });
  writeJsonAtomic(join(cacheDir(paths), `${key}.json`), { layers: state.layers, config: state.config, history: state.history });
}

/** Drops the whole cache (`image prune`, `system prune`); the layers go with the next collection. */
export function clearBuildCache(paths: StorePaths): void {
  rmSync(cacheDir(paths), { recursive: true, force: true });
}

/** Every layer the cache keeps, read by garbage collection and `system df`. */
function cachedLayers(paths: StorePaths): Set<string> {
  let names: string[] = [];
  try {
    names = readdirSync(cacheDir(paths)).filter((n) => n.endsWith('.json'));
  } catch {
    // no cache yet
  }
  return new Set(names.flatMap((n) => cacheGet(paths, n.slice(0, -5))?.layers ?? []));
}

/**
 * The cache as a user of layers, for the image store's garbage collection.
 * The empty digest matches no image, so `rmi` never names the cache.
 */
export function buildCacheUsages(paths: StorePaths): ContainerUsage[] {
  const layers = cachedLayers(paths);
  return layers.size ? [{ id: 'build-cache', name: 'build cache', digest: '', layers: [...layers] }] : [];
}

/**
 * `system df`'s build cache row: entries, and the bytes of the layers the
 * cache keeps (SHARED: also used by an image; RECLAIMABLE: the rest, which
 * `image prune` frees). No entry is ever in use by a container.
 */
export function cacheUsage(paths: StorePaths, layerSize: (diffId: string) => number, imageLayers: Set<string>): { total: number; active: number; size: number; shared: number; reclaimable: number } {
  let total = 0;
  try {
    total = readdirSync(cacheDir(paths)).filter((n) => n.endsWith('.json')).length;
  } catch {
    // no cache yet
  }
  const layers = cachedLayers(paths);
  let size = 0;
  let shared = 0;
  for (const l of layers) {
    size += layerSize(l);
    if (imageLayers.has(l)) shared += layerSize(l);
  }
  return { total, active: 0, size, shared, reclaimable: size - shared };
}
