import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { dirEntries } from '../../common/dir.ts';
import { writeJsonAtomic } from '../../common/fs-atomic.ts';
import { withLock } from '../../common/lock.ts';
import type { ContentStore } from '../content/store.ts';
import type { StorePaths } from '../paths.ts';
import { pidAlive } from '../../common/process.ts';
import { randomHex } from '../../common/random.ts';

export interface LayerInfo {
  diff_id: string;
  size: number;
  created: string;
}

const hexOf = (diffId: string) => (diffId.startsWith('sha256:') ? diffId.slice(7) : diffId);


/**
 * Layers kept once by content digest (their diff_id) and unpacked once:
 * `<root>/layers/sha256/<hex>/diff` holds the files, layer.json the facts.
 * New layers are unpacked in `<root>/tmp` and renamed into place, so a
 * layer directory that exists is always complete.
 */
export class LayerStore {
  constructor(
    private readonly paths: StorePaths,
    /** Where the layers' compressed archives (blobs.json) are kept. */
    readonly content: ContentStore,
  ) {}

  dir(diffId: string): string {
    return join(this.paths.layers, hexOf(diffId));
  }

  diffPath(diffId: string): string {
    return join(this.dir(diffId), 'diff');
  }

  has(diffId: string): boolean {
    // Concatenated, not joined: `images` asks this for every layer of every image.
    return existsSync(`${this.paths.layers}/${hexOf(diffId)}/layer.json`);
  }

  info(diffId: string): LayerInfo | undefined {
    try {
      return JSON.parse(readFileSync(join(this.dir(diffId), 'layer.json'), 'utf8')) as LayerInfo;
    } catch {
      return undefined;
    }
  }

  /** The lock every change of what references layers takes (commits, removals, collection). */
  lock<T>(fn: () => Promise<T> | T): Promise<T> {
    return withLock(join(this.paths.locks, 'store.lock'), fn);
  }

  /** A fresh staging directory, named by pid so that leftovers of killed processes can be found. */
  staging(kind: string): string {
    mkdirSync(this.paths.tmp, { recursive: true });
    this.removeAbandonedStaging();
    const dir = join(this.paths.tmp, `${kind}-${process.pid}-${randomHex(6)}`);
    mkdirSync(join(dir, 'diff'), { recursive: true, mode: 0o755 });
    return dir;
  }

  /**
   * Unpacks a tar stream (plain or compressed) as a layer and returns its
   * diff_id and size. The layer is pinned for the life of this process, so a
   * collection running before the image that references it is committed
   * does not take it away.
   */
  async importStream(input: Readable, what: string): Promise<{ diffId: string; size: number }> {
    const stage = this.staging('layer');
    try {
      const layer = await this.unpack(input, stage, what);
      await this.commitStaged(stage, layer);
      return { diffId: layer.diffId, size: layer.size };
    } finally {
      rmSync(stage, { recursive: true, force: true });
    }
  }

  /** Extracts a tar stream into a staging directory's diff/, overlay whiteouts made. Nothing is visible yet. */
  async unpack(input: Readable, stage: string, what: string): Promise<{ diffId: string; size: number }> {
    // Loaded here: zlib, the tar pipeline and the FFI are not needed to start a container.
    const [{ extractTar }, { applyWhiteouts }] = await Promise.all([import('../tar/extract.ts'), import('./whiteouts.ts')]);
    const { diffId, size, whiteouts } = await extractTar(input, join(stage, 'diff'), what);
    applyWhiteouts(join(stage, 'diff'), whiteouts);
    return { diffId, size };
  }

  /**
   * The one way a layer enters the store (import, pull, load, commit, build):
   * under the lock, pins it for this process and renames the complete staging
   * directory into place. `alsoUnderLock` runs in the same critical section
   * (a pull records the layer's compressed blob there).
   */
  async commitStaged(stage: string, layer: { diffId: string; size: number }, alsoUnderLock?: () => void): Promise<void> {
    await this.lock(() => {
      this.pin(layer.diffId);
      this.place(stage, { diff_id: layer.diffId, size: layer.size, created: new Date().toISOString() });
      alsoUnderLock?.();
    });
  }

  /** Marks a layer as in use by this process until it exits (see `collect`). */
  pin(diffId: string): void {
    mkdirSync(this.paths.tmp, { recursive: true });
    writeFileSync(join(this.paths.tmp, `pin-${process.pid}-${hexOf(diffId).slice(0, 16)}`), diffId);
  }

  /** Ends this process's pin on a layer, once a record references it. */
  unpin(diffId: string): void {
    rmSync(join(this.paths.tmp, `pin-${process.pid}-${hexOf(diffId).slice(0, 16)}`), { force: true });
  }

  /**
   * Layers pinned by running processes, by the first 16 hex digits of their
   * diff_id (64 bits: no two layers share them). Taken from the pin's name,
   * not its content: a pin being written is empty for a moment, and a run
   * whose pin read empty lost its layers to a concurrent collection.
   */
  private pinned(): Set<string> {
    const out = new Set<string>();
    for (const name of this.tmpEntries()) {
      const m = /^pin-(\d+)-([0-9a-f]{16})$/.exec(name);
      if (m && pidAlive(Number(m[1]))) out.add(m[2]!);
    }
    return out;
  }

  private tmpEntries(): string[] {
    return dirEntries(this.paths.tmp);
  }

  /** Moves a complete staging directory into place; if the layer exists already, keeps that one. */
  private place(stage: string, info: LayerInfo): void {
    writeJsonAtomic(join(stage, 'layer.json'), info);
    mkdirSync(this.paths.layers, { recursive: true });
    try {
      renameSync(stage, this.dir(info.diff_id));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // Another import of the same content won the race: same digest, same bytes.
      if ((code !== 'ENOTEMPTY' && code !== 'EEXIST') || !this.has(info.diff_id)) throw e;
    }
  }

  list(): string[] {
    return this.hexes().map((h) => `sha256:${h}`);
  }

  /**
   * A test of presence for many layers at once (a listing): one read of the
   * directory instead of a stat per layer. A layer comes and goes whole (its
   * directory is renamed into place with layer.json inside, and out before it
   * is deleted), so its entry is its presence; `has` and `system check` look inside.
   */
  presence(): (diffId: string) => boolean {
    const present = new Set(this.hexes());
    return (diffId) => present.has(hexOf(diffId));
  }

  private hexes(): string[] {
    return dirEntries(this.paths.layers);
  }

  /**
   * Removes layers nobody references. Call inside `lock`. Returns the removed
   * diff_ids. The pins are read before `referenced` reads the records: a
   * container start pins its layers, writes its record, then drops the pins,
   * so whichever moment it is at, one of the two names its layers. Read the
   * other way round, a record written just after the scan and a pin dropped
   * just before the pins were read lost the layer under a starting container.
   */
  collect(referenced: () => Set<string>): string[] {
    const removed: string[] = [];
    const pinned = this.pinned();
    const used = referenced();
    for (const id of this.list()) {
      if (used.has(id) || pinned.has(hexOf(id).slice(0, 16))) continue;
      // Rename first so a half-deleted layer is never seen under its digest.
      const trash = join(this.paths.tmp, `trash-${process.pid}-${randomHex(6)}`);
      mkdirSync(this.paths.tmp, { recursive: true });
      renameSync(this.dir(id), trash);
      rmSync(trash, { recursive: true, force: true });
      removed.push(id);
    }
    return removed;
  }

  private removeAbandonedStaging(): void {
    for (const name of this.tmpEntries()) {
      const pid = Number(/^[a-z]+-(\d+)-/.exec(name)?.[1]);
      if (pid && pid !== process.pid && !pidAlive(pid)) rmSync(join(this.paths.tmp, name), { recursive: true, force: true });
    }
  }
}
