import { mkdirSync, readFileSync, renameSync, rmdirSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import * as v from 'valibot';
import { UserError } from '../../common/errors.ts';
import { formatLocalTime } from '../../common/format.ts';
import { writeJsonAtomic } from '../../common/fs-atomic.ts';
import { listDir } from '../../common/dir.ts';
import { StatCache } from '../../common/stat-cache.ts';
import type { LayerStore } from '../layer-store/store.ts';
import type { StorePaths } from '../paths.ts';
import { formatRef, nameProblem, parseImageRef } from '../reference.ts';
import { layerBlobDigests } from '../layer-store/blobs.ts';
import { makeConfigBlob, type HistoryEntry } from '../oci/config-blob.ts';
import { parseConfigBlob } from '../oci/config-parse.ts';
import { imageRecordSchema, type ImageConfig, type ImageRecord } from './record.ts';
import { issueText } from '../../common/schema.ts';

/** What a container holds on to: its image and the layers it mounts. */
export interface ContainerUsage {
  id: string;
  name: string;
  digest: string;
  layers: string[];
}

export interface DamagedRecord {
  path: string;
  reason: string;
}

export interface CommitOptions {
  name: string;
  tag: string;
  layers: string[];
  config: ImageConfig;
  history?: HistoryEntry[];
}

/** An image whose OCI config blob came from elsewhere (a registry, an archive) and is kept byte for byte. */
export interface CommitConfigOptions {
  name: string;
  tag: string;
  /** The config blob as received: the image id is its sha256, so it equals Docker's id for the image. */
  configBytes: Buffer;
  /** diff_ids, bottom first; must equal the config's rootfs.diff_ids. */
  layers: string[];
  /** The manifest the image was pulled by, kept as a blob while the record names it. */
  manifestDigest?: string;
  manifestBytes?: Buffer;
  /** The record's creation time when the config has none (a tag keeps its source's); default now. */
  created?: string;
}

const RECORD = 'image.json';
/** Changes with the record's schema, so a cache of records checked by an older one is not used. */
const CACHE_VERSION = 'images-2';

/** What a listing keeps of a directory below images/: its sub-directories, and the record it holds, if any. */
interface ImageDir {
  dirs: string[];
  record?: ImageRecord | DamagedRecord;
}

function isDamaged(r: ImageRecord | DamagedRecord): r is DamagedRecord {
  return typeof r.reason === 'string' && typeof r.path === 'string' && !('digest' in r);
}

/**
 * Image records: `<root>/images/<name>/<tag>/image.json` (the seed's layout)
 * naming an OCI config blob and the layers in the layer store. Changes are
 * made under the layer store's lock, records are replaced by atomic rename,
 * so readers never see half an image.
 */
export class ImageStore {
  constructor(
    readonly paths: StorePaths,
    readonly layers: LayerStore,
    private readonly usages: () => ContainerUsage[] = () => [],
  ) {}

  tagDir(name: string, tag: string): string {
    return join(this.paths.images, ...name.split('/'), tag);
  }

  /** The image's config blob; a record whose blob is gone is damaged. */
  configBytes(rec: ImageRecord): Buffer {
    const bytes = this.layers.content.get(rec.digest);
    if (!bytes) throw new UserError(`image ${rec.name}:${rec.tag} is damaged: its config blob ${rec.digest} is missing`);
    return bytes;
  }

  /** The manifest the image was pulled or loaded with, while it is still kept. */
  manifest(rec: ImageRecord): { digest: string; bytes: Buffer } | undefined {
    const digest = typeof rec.manifest_digest === 'string' ? rec.manifest_digest : undefined;
    const bytes = digest ? this.layers.content.get(digest) : undefined;
    return digest && bytes ? { digest, bytes } : undefined;
  }

  /** Every readable image, newest first, and the records that could not be read; `fresh`: trust nothing cached (system check). */
  list(opts: { fresh?: boolean } = {}): { images: ImageRecord[]; damaged: DamagedRecord[] } {
    const images: ImageRecord[] = [];
    const damaged: DamagedRecord[] = [];
    // Keyed by each directory's stat: a listing of many images stats each directory instead of reading and checking its record.
    const cache = new StatCache(join(this.paths.cache, 'images.json'), CACHE_VERSION, this.paths.images, { fresh: opts.fresh });
    // One pair of functions for every directory, not a closure per image; `read` runs only for what the cache lacks.
    const base = this.paths.images;
    const read = (path: string): ImageDir | undefined => {
      const listing = listDir(path);
      if (!listing) return undefined;
      // A record two levels down or more: the name's path below images/, then the tag.
      const rel = path.slice(base.length + 1);
      const cut = rel.lastIndexOf('/');
      const record = cut > 0 && listing.files.includes(RECORD) ? this.readRecord(`${path}/${RECORD}`, rel.slice(0, cut), rel.slice(cut + 1)) : undefined;
      return record ? { dirs: listing.dirs, record } : { dirs: listing.dirs };
    };
    const keep = (d: ImageDir | undefined) => d !== undefined && !(d.record && isDamaged(d.record));
    const walk = (rel: string) => {
      const got = cache.dir(rel, read, keep);
      if (!got) return;
      const r = got.record;
      if (r && isDamaged(r)) {
        if (r.reason !== 'missing') damaged.push(r);
      } else if (r) images.push(r);
      for (const d of got.dirs) walk(rel ? `${rel}/${d}` : d);
    };
    walk('');
    cache.save();
    images.sort((a, b) => (a.created < b.created ? 1 : a.created > b.created ? -1 : formatRef(a).localeCompare(formatRef(b))));
    return { images, damaged };
  }

  find(name: string, tag: string): ImageRecord | undefined {
    const got = this.readRecord(join(this.tagDir(name, tag), RECORD), name, tag);
    if (isDamaged(got)) {
      if (got.reason === 'missing') return undefined;
      throw new UserError(`image ${name}:${tag} is damaged: ${got.path}: ${got.reason}`);
    }
    return got;
  }

  /** All records `text` names: a name[:tag], or an id (prefix) that may carry several tags. */
  resolveAll(text: string): ImageRecord[] {
    if (!nameProblem(text.replace(/(:[^/:]*|@.*)$/, ''))) {
      const ref = parseImageRef(text);
      const rec = this.find(ref.name, ref.tag);
      if (rec) return [rec];
    }
    const hex = /^(?:sha256:)?([0-9a-f]{1,64})$/.exec(text)?.[1];
    if (hex) {
      const matches = this.list().images.filter((r) => r.digest.slice(7).startsWith(hex));
      const digests = new Set(matches.map((r) => r.digest));
      if (digests.size > 1) throw new UserError(`image id prefix "${text}" is ambiguous: it matches ${digests.size} images`);
      if (matches.length > 0) return matches;
    }
    throw new UserError(`no such image: ${text}`);
  }

  /** One image; an id shared by several tags resolves to the first, as Docker does for `run`. */
  resolve(text: string): ImageRecord {
    return this.resolveAll(text)[0]!;
  }

  /** Creates or replaces name:tag atomically; the old image's unused layers are removed. */
  async commit(opts: CommitOptions): Promise<ImageRecord> {
    // The config blob rocker writes is then kept as-is, like a pulled one.
    return this.commitConfig({ name: opts.name, tag: opts.tag, layers: opts.layers, configBytes: makeConfigBlob(opts).bytes });
  }

  /** Creates or replaces name:tag from a config blob kept as-is (pull, load, tag). */
  async commitConfig(opts: CommitConfigOptions): Promise<ImageRecord> {
    const problem = nameProblem(opts.name);
    if (problem) throw new UserError(`invalid image name "${opts.name}": ${problem}`);
    const parsed = parseConfigBlob(opts.configBytes, `${opts.name}:${opts.tag}`);
    if (parsed.rootfs.diff_ids.join() !== opts.layers.join()) throw new UserError(`cannot commit ${opts.name}:${opts.tag}: the layers do not match the config's rootfs.diff_ids`);
    return this.layers.lock(() => {
      for (const l of opts.layers) if (!this.layers.has(l)) throw new UserError(`cannot commit ${opts.name}:${opts.tag}: layer ${l} is not in the store`);
      const digest = this.layers.content.put(opts.configBytes);
      if (opts.manifestDigest && opts.manifestBytes) this.layers.content.put(opts.manifestBytes, opts.manifestDigest);
      const when = [parsed.created, opts.created].find((t) => t && !Number.isNaN(Date.parse(t)));
      const created = when ? new Date(when) : new Date();
      const record: ImageRecord = {
        name: opts.name,
        tag: opts.tag,
        id: digest.slice(7, 19),
        size: opts.layers.reduce((n, l) => n + (this.layers.info(l)?.size ?? 0), 0),
        created_time: formatLocalTime(created),
        digest,
        created: created.toISOString(),
        architecture: parsed.architecture,
        os: parsed.os,
        // Docker writes null for unset fields ("Env": null); the record leaves them out.
        config: Object.fromEntries(Object.entries(parsed.config ?? {}).filter(([, x]) => x !== null)) as ImageConfig,
        layers: opts.layers,
        ...(opts.manifestDigest ? { manifest_digest: opts.manifestDigest } : {}),
      };
      const dir = this.tagDir(opts.name, opts.tag);
      mkdirSync(dir, { recursive: true });
      this.linkRootfs(dir, opts.layers);
      writeJsonAtomic(join(dir, RECORD), record);
      for (const l of opts.layers) this.layers.unpin(l);
      this.collect();
      return record;
    });
  }

  /** Removes unreferenced layers and blobs (and layers pinned by dead processes). Returns the removed layers. */
  async prune(): Promise<string[]> {
    return this.layers.lock(() => this.collect());
  }

  /**
   * Removes the images `texts` name. Refuses, naming the container, while a
   * container uses one, unless `force` (then the container keeps its layers).
   */
  async remove(texts: string[], force: boolean): Promise<ImageRecord[]> {
    return this.layers.lock(() => {
      const records = texts.flatMap((t) => {
        const all = this.resolveAll(t);
        if (all.length > 1 && !force && !/[:/]/.test(t) && !this.find(t, 'latest')) {
          throw new UserError(`image ${t} is tagged as ${all.map(formatRef).join(', ')}: name one, or use -f to remove them all`);
        }
        return all;
      });
      if (!force) {
        const users = this.usages();
        // Removing one of several tags only untags (Docker's way): the container keeps the image by its other tag.
        const going = new Set(records.map(formatRef));
        const kept = new Set(this.list().images.filter((r) => !going.has(formatRef(r))).map((r) => r.digest));
        for (const r of records) {
          if (kept.has(r.digest)) continue;
          const user = users.find((u) => u.digest === r.digest);
          if (user) throw new UserError(`image ${formatRef(r)} is used by container ${user.name} (${user.id.slice(0, 12)}): remove the container first, or use -f`);
        }
      }
      for (const r of records) this.unlinkRecord(r);
      this.collect();
      return records;
    });
  }

  /**
   * `rmi -f` of names whose records are damaged (unreadable, not JSON, not a
   * record): those records go, with what only they referenced. Returns the
   * texts handled and the name:tag each removed; the other texts are for `remove`.
   */
  async removeDamaged(texts: string[]): Promise<Array<{ text: string; ref: string }>> {
    const damaged = texts.filter((t) => {
      if (nameProblem(t.replace(/(:[^/:]*|@.*)$/, ''))) return false;
      const ref = parseImageRef(t);
      const got = this.readRecord(join(this.tagDir(ref.name, ref.tag), RECORD), ref.name, ref.tag);
      return isDamaged(got) && got.reason !== 'missing';
    });
    if (damaged.length === 0) return [];
    return this.layers.lock(() => {
      const refs = damaged.map((text) => ({ text, ...parseImageRef(text) }));
      for (const r of refs) this.unlinkTag(r.name, r.tag);
      this.collect();
      return refs.map((r) => ({ text: r.text, ref: `${r.name}:${r.tag}` }));
    });
  }

  /** Removes layers and blobs nothing references. Call under the lock. Returns the removed layers. */
  private collect(): string[] {
    const digests = new Set<string>();
    const removed = this.layers.collect(() => {
      const referenced = new Set<string>();
      for (const r of this.list().images) {
        r.layers.forEach((l) => referenced.add(l));
        digests.add(r.digest);
        if (typeof r.manifest_digest === 'string') digests.add(r.manifest_digest);
      }
      for (const u of this.usages()) u.layers.forEach((l) => referenced.add(l));
      return referenced;
    });
    // Compressed blobs of the layers that stay (kept for push and save), see layer-store/blobs.ts.
    for (const d of layerBlobDigests(this.layers, this.layers.list())) digests.add(d);
    this.layers.content.collect(digests);
    return removed;
  }

  private unlinkRecord(r: ImageRecord): void {
    this.unlinkTag(r.name, r.tag);
  }

  /** Removes name:tag's record, readable or not (system check repairs damaged ones with it). */
  unlinkTag(name: string, tag: string): void {
    const dir = this.tagDir(name, tag);
    rmSync(join(dir, RECORD), { force: true });
    rmSync(join(dir, 'rootfs'), { force: true });
    // Remove the emptied tag and name directories, up to images/.
    for (let d = dir; d.startsWith(this.paths.images + '/'); d = dirname(d)) {
      try {
        rmdirSync(d);
      } catch {
        break;
      }
    }
  }

  /** The seed's `rootfs/` path, kept working as a link to the layer's files. */
  private linkRootfs(dir: string, layers: string[]): void {
    const link = join(dir, 'rootfs');
    if (layers.length !== 1) {
      rmSync(link, { force: true });
      return;
    }
    const tmp = join(dir, `.rootfs-${process.pid}`);
    rmSync(tmp, { force: true });
    symlinkSync(relative(dir, this.layers.diffPath(layers[0]!)), tmp);
    renameSync(tmp, link);
  }

  private readRecord(path: string, name: string, tag: string): ImageRecord | DamagedRecord {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      return { path, reason: code === 'ENOENT' || code === 'ENOTDIR' ? 'missing' : `cannot read (${code})` };
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return { path, reason: 'not valid JSON' };
    }
    const parsed = v.safeParse(imageRecordSchema(), json);
    if (!parsed.success) return { path, reason: issueText(parsed.issues) };
    if (parsed.output.name !== name || parsed.output.tag !== tag) return { path, reason: `it names ${parsed.output.name}:${parsed.output.tag}` };
    return parsed.output;
  }
}
