// The store's content against its digests: blobs, layers, image records.
import { existsSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { writeJsonAtomic } from '../../common/fs-atomic.ts';
import { pidAlive } from '../../common/process.ts';
import type { ContentStore } from '../content/store.ts';
import type { ImageStore } from '../image-store/store.ts';
import { blobsDamage, readLayerBlobs } from '../layer-store/blobs.ts';
import type { LayerStore } from '../layer-store/store.ts';
import type { StorePaths } from '../paths.ts';
import { formatRef } from '../reference.ts';
import { fileDigest } from './fs.ts';
import { dirEntries } from '../../common/dir.ts';
import { problem, type Problem } from './problems.ts';

const HEX = /^[0-9a-f]{64}$/;
const short = (digest: string) => digest.slice(0, 19);

/** Every blob hashed; returns the digests that are present and intact. */
export function checkBlobs(content: ContentStore, problems: Problem[]): Set<string> {
  const good = new Set<string>();
  for (const { name, path } of content.files()) {
    const remove = { action: 'removed it', apply: () => rmSync(path, { force: true }) };
    // A blob being written (writeFileAtomic's temporary): its writer's, unless the writer has died.
    const writer = Number(/^\.tmp-(\d+)-/.exec(name)?.[1]);
    if (writer && pidAlive(writer)) continue;
    if (!HEX.test(name)) {
      problems.push(problem(`blob file ${path}`, 'not named by a digest', remove));
      continue;
    }
    const want = `sha256:${name}`;
    let got: string;
    try {
      got = fileDigest(path);
    } catch (err) {
      problems.push(problem(`blob ${short(want)}`, `unreadable: ${(err as Error).message}`, remove));
      continue;
    }
    if (got === want) good.add(want);
    else problems.push(problem(`blob ${short(want)}`, `content does not match its digest (got ${short(got)})`, remove));
  }
  return good;
}

/**
 * Every layer's record against its directory name, and the blobs it lists.
 * A layer's files cannot be re-hashed (its tar is gone), so the record is
 * what is checked. Returns the layers that are intact.
 */
export function checkLayers(paths: StorePaths, layers: LayerStore, blobs: Set<string>, problems: Problem[]): Set<string> {
  const good = new Set<string>();
  for (const hex of dirEntries(paths.layers)) {
    const diffId = `sha256:${hex}`;
    const dir = layers.dir(diffId);
    const info = layers.info(diffId);
    const reason = !HEX.test(hex)
      ? 'not named by a digest'
      : typeof info?.diff_id !== 'string'
        ? 'layer.json is missing or not a layer record'
        : info!.diff_id !== diffId
          ? `layer.json names another layer (${short(info!.diff_id)})`
          : !existsSync(join(dir, 'diff'))
            ? 'its files (diff/) are missing'
            : undefined;
    if (reason) {
      // The record goes first: without it the layer is no longer in the store, even half-removed.
      const apply = () => {
        rmSync(join(dir, 'layer.json'), { force: true });
        rmSync(dir, { recursive: true, force: true });
      };
      problems.push(problem(`layer ${short(diffId)}`, reason, { action: 'removed it', apply }));
      continue;
    }
    good.add(diffId);
    const damage = blobsDamage(layers, diffId);
    if (damage) {
      const apply = () => rmSync(join(dir, 'blobs.json'), { force: true });
      problems.push(problem(`layer ${short(diffId)}`, `blobs.json is damaged (${damage})`, { action: 'removed it (push and save make the archive again)', apply }));
      continue;
    }
    const listed = readLayerBlobs(layers, diffId);
    const missing = listed.filter((b) => !blobs.has(b.digest));
    if (missing.length > 0) {
      const apply = () => writeJsonAtomic(join(dir, 'blobs.json'), listed.filter((b) => blobs.has(b.digest)));
      problems.push(problem(`layer ${short(diffId)}`, `compressed blob ${missing.map((b) => short(b.digest)).join(', ')} is missing or damaged`, { action: 'forgot the blob (push and save make it again)', apply }));
    }
  }
  return good;
}

/** Every image record: readable, its id, config and manifest blobs, its layers. */
export function checkImages(paths: StorePaths, images: ImageStore, blobs: Set<string>, layers: Set<string>, problems: Problem[]): void {
  // Every record read again, not taken from the listing's cache: an edit in place by hand shows here at once.
  const { images: records, damaged } = images.list({ fresh: true });
  for (const d of damaged) {
    const [tag, ...name] = relative(paths.images, dirname(d.path)).split('/').reverse();
    const apply = () => images.unlinkTag(name.reverse().join('/'), tag!);
    problems.push(problem(`image record ${d.path}`, d.reason, { action: 'removed the record', apply }));
  }
  for (const r of records) {
    const reasons: string[] = [];
    if (r.id !== r.digest.slice(7, 19)) reasons.push(`its id ${r.id} is not its config digest's`);
    if (!blobs.has(r.digest)) reasons.push(`config blob ${short(r.digest)} is missing or damaged`);
    if (typeof r.manifest_digest === 'string' && !blobs.has(r.manifest_digest)) reasons.push(`manifest blob ${short(r.manifest_digest)} is missing or damaged`);
    const lost = r.layers.filter((l) => !layers.has(l));
    if (lost.length > 0) reasons.push(`layer ${lost.map(short).join(', ')} is missing or damaged`);
    if (reasons.length === 0) continue;
    const apply = () => images.unlinkTag(r.name, r.tag);
    problems.push(problem(`image ${formatRef(r)}`, reasons.join('; '), { action: 'removed the record (pull or load it again)', apply }));
  }
}
