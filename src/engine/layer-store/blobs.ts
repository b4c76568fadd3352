import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as v from 'valibot';
import { int, lazySchema, object } from '../../common/schema.ts';
import { writeJsonAtomic } from '../../common/fs-atomic.ts';
import type { LayerStore } from './store.ts';

/**
 * A compressed archive of a layer kept in `blobs/sha256/`: the bytes a
 * registry served (or an archive held), so push and save hand out exactly
 * what was pulled and the image keeps its id everywhere. `diffId` is the
 * digest of the uncompressed tar; it differs from the layer's own diff_id
 * only for archives rocker made itself from a layer's files (imported and
 * committed layers), whose original tar is gone.
 */
const layerBlobSchema = lazySchema(() => object({
  digest: v.pipe(v.string(), v.regex(/^sha256:[0-9a-f]{64}$/)),
  size: v.pipe(int(), v.minValue(0)),
  mediaType: v.string(),
  diffId: v.pipe(v.string(), v.regex(/^sha256:[0-9a-f]{64}$/)),
  /** Repositories (host/path) known to hold the blob: candidates for a cross-repository mount. */
  sources: v.optional(v.array(v.string()), () => []),
}));
export type LayerBlob = v.InferOutput<ReturnType<typeof layerBlobSchema>>;

const FILE = 'blobs.json';

type BlobsRead = { blobs: LayerBlob[]; damage?: string };

/** The layer's blobs.json, or why it is damaged (a missing file is no damage: the layer has no archive kept). */
function readBlobsFile(layers: LayerStore, diffId: string): BlobsRead {
  let text: string;
  try {
    text = readFileSync(join(layers.dir(diffId), FILE), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? { blobs: [] } : { blobs: [], damage: `cannot be read (${code ?? 'error'})` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { blobs: [], damage: 'not valid JSON' };
  }
  const parsed = v.safeParse(v.array(layerBlobSchema()), json);
  return parsed.success ? { blobs: parsed.output } : { blobs: [], damage: 'not a list of blob records' };
}

/**
 * The archives kept for a layer. A damaged blobs.json reads as none: the
 * layer's files are intact, and push or save makes an archive again
 * (`system check` names the damage; see blobsDamage).
 */
export function readLayerBlobs(layers: LayerStore, diffId: string): LayerBlob[] {
  return readBlobsFile(layers, diffId).blobs;
}

/** Why the layer's blobs.json is damaged, or undefined when it is sound or absent. */
export function blobsDamage(layers: LayerStore, diffId: string): string | undefined {
  return readBlobsFile(layers, diffId).damage;
}

/** Records (or updates the sources of) a blob of a layer that is in the store. Call under the store lock. */
export function addLayerBlob(layers: LayerStore, diffId: string, blob: LayerBlob): void {
  const all = readLayerBlobs(layers, diffId);
  const known = all.find((b) => b.digest === blob.digest);
  if (known) {
    const sources = [...new Set([...known.sources, ...blob.sources])];
    if (sources.length === known.sources.length) return;
    known.sources = sources;
  } else all.push(blob);
  writeJsonAtomic(join(layers.dir(diffId), FILE), all);
}

/** Every blob digest the given layers keep. */
export function layerBlobDigests(layers: LayerStore, diffIds: Iterable<string>): string[] {
  const out: string[] = [];
  for (const id of diffIds) for (const b of readLayerBlobs(layers, id)) out.push(b.digest);
  return out;
}
