import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { pidAlive } from './process.ts';

/**
 * A file's or directory's identity as stat sees it: inode, size, mtime and
 * ctime (a chmod changes only ctime, and must not hide a file made unreadable).
 * Numbers, compared one by one: turning the times into strings cost more than the stat.
 */
type Key = [ino: number, size: number, mtime: number, ctime: number];

function sameKey(st: Stats, key: Key | undefined): boolean {
  // A damaged cache file may hold anything: it must only miss, never throw.
  return Array.isArray(key) && st.mtimeMs === key[2] && st.ctimeMs === key[3] && st.ino === key[0] && st.size === key[1];
}

/**
 * File times come from a coarse clock, so a change in the same tick as the
 * stat can leave every field equal. Anything changed this recently is read
 * but not kept (git's "racily clean" rule); the next listing keeps it.
 */
const RACY_MS = 100;

/** What a directory holds, split the way the store walks it. */
export interface DirListing {
  dirs: string[];
  files: string[];
}

type Entry = [key: Key, value: unknown];
interface CacheData {
  v: string;
  /** How many entries it holds: a listing that used them all, and read nothing, has nothing to write. */
  n: number;
  dirs: Record<string, Entry>;
  files: Record<string, Entry>;
}

function load(file: string, version: string): CacheData {
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as Partial<CacheData>;
    if (data.v === version && typeof data.n === 'number' && typeof data.dirs === 'object' && typeof data.files === 'object' && data.dirs && data.files) return data as CacheData;
  } catch {
    // missing or damaged: it is only a cache, rebuilt below
  }
  return { v: version, n: 0, dirs: {}, files: {} };
}

/**
 * A listing's cache of parsed files and directory listings, each kept under
 * the stat key it was read at, so a change made by anyone (another rocker, an
 * older one, a hand edit) is seen: an entry whose key no longer matches is
 * read again. A listing of N records then costs N stats instead of N reads,
 * parses and schema checks. The cache is written back, atomically, only when
 * it changed; a failure to write it is ignored (a read-only or full store
 * lists as before).
 */
export class StatCache {
  private readonly old: CacheData;
  private readonly next: CacheData;
  private dirty = false;

  /** `base`: the directory the `dir` and `file` paths are relative to (keys stay short, the cache small). */
  constructor(
    private readonly path: string,
    version: string,
    private readonly base: string,
    /** When this listing started: what counts as too recent is measured from it (tests move it). */
    private readonly started = Date.now(),
  ) {
    this.old = load(path, version);
    this.next = { v: version, n: 0, dirs: {}, files: {} };
  }

  /** The key to keep a fresh read under; undefined while the entry is too recent to trust (RACY_MS). */
  private keyOf(st: Stats): Key | undefined {
    return st.ctimeMs >= this.started - RACY_MS ? undefined : [st.ino, st.size, st.mtimeMs, st.ctimeMs];
  }

  /** The directory's sub-directories and other entries; undefined when it is not a readable directory. */
  dir(rel: string): DirListing | undefined {
    const path = rel ? `${this.base}/${rel}` : this.base;
    let st: Stats;
    try {
      st = statSync(path);
    } catch {
      return undefined;
    }
    if (!st.isDirectory()) return undefined;
    const hit = this.old.dirs[rel];
    if (Array.isArray(hit) && sameKey(st, hit[0])) {
      this.next.dirs[rel] = hit;
      this.next.n++;
      return hit[1] as DirListing;
    }
    let listing: DirListing;
    try {
      const entries = readdirSync(path, { withFileTypes: true });
      listing = { dirs: entries.filter((e) => e.isDirectory()).map((e) => e.name), files: entries.filter((e) => !e.isDirectory()).map((e) => e.name) };
    } catch {
      return undefined;
    }
    const key = this.keyOf(st);
    if (key) {
      this.next.dirs[rel] = [key, listing];
      this.next.n++;
      this.dirty = true;
    }
    return listing;
  }

  /**
   * The value `read` makes of the file, from the cache while the file is
   * unchanged. Only values `keep` accepts are cached (not errors, which may
   * depend on who reads).
   */
  file<V>(rel: string, read: () => V, keep: (v: V) => boolean): V {
    let st: Stats | undefined;
    try {
      st = statSync(`${this.base}/${rel}`, { throwIfNoEntry: false });
    } catch {
      st = undefined; // unreadable: `read` says how
    }
    const hit = this.old.files[rel];
    if (st && Array.isArray(hit) && sameKey(st, hit[0])) {
      this.next.files[rel] = hit;
      this.next.n++;
      return hit[1] as V;
    }
    const value = read();
    const key = st && this.keyOf(st);
    if (key && keep(value)) {
      this.next.files[rel] = [key, value];
      this.next.n++;
      this.dirty = true;
    }
    return value;
  }

  /**
   * Writes the cache back when it changed: an entry added, or one dropped
   * (not asked for this time, or no longer matching). Reads that are not
   * kept (a missing file, a running container's absent exit file) change
   * nothing, so a listing that only makes those writes nothing.
   */
  save(): void {
    if (!this.dirty && this.old.n === this.next.n) return;
    const dir = dirname(this.path);
    const tmp = `${this.path}.${process.pid}.tmp`;
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      this.sweep(dir);
      writeFileSync(tmp, JSON.stringify(this.next), { mode: 0o600 });
      renameSync(tmp, this.path);
    } catch {
      rmSync(tmp, { force: true });
    }
  }

  /** Temporary files of writers killed before their rename. */
  private sweep(dir: string): void {
    const prefix = `${basename(this.path)}.`;
    for (const name of readdirSync(dir)) {
      const pid = name.startsWith(prefix) && name.endsWith('.tmp') ? Number(name.slice(prefix.length, -4)) : NaN;
      if (Number.isInteger(pid) && pid !== process.pid && !pidAlive(pid)) rmSync(join(dir, name), { force: true });
    }
  }
}
