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

/** One options object for every stat of a listing, not one per call. */
const NO_THROW = { throwIfNoEntry: false } as const;

type Entry = [key: Key, value: unknown];
interface CacheData {
  v: string;
  /** How many entries it holds: a listing that used them all, and read nothing, has nothing to write. */
  n: number;
  dirs: Record<string, Entry>;
}

function load(file: string, version: string): CacheData {
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as Partial<CacheData>;
    if (data.v === version && typeof data.n === 'number' && typeof data.dirs === 'object' && data.dirs) return data as CacheData;
  } catch {
    // missing or damaged: it is only a cache, rebuilt below
  }
  return { v: version, n: 0, dirs: {} };
}

/**
 * A listing's cache of what it makes of each directory (an image's tag
 * directory, a container's), kept under the directory's stat key. Every
 * change rocker makes to a record shows there: records are replaced by
 * rename, exit files are made anew after the old one is removed, so the
 * directory's mtime and ctime move, whoever made the change (another
 * rocker, an older one). A listing of N records then costs N stats instead
 * of N reads, parses and schema checks, and one stat per directory rather
 * than one per file. An edit in place by hand leaves the directory as it
 * was and is seen once something else in the directory changes, or at
 * once by `rocker system check` (a `fresh` cache). The cache is written
 * back, atomically, only when it changed; a failure to write it is ignored
 * (a read-only or full store lists as before).
 */
export class StatCache {
  private readonly old: CacheData;
  private readonly next: CacheData;
  private readonly started: number;
  private dirty = false;

  /** `base`: the directory the `dir` paths are relative to (keys stay short, the cache small). */
  constructor(
    private readonly path: string,
    version: string,
    private readonly base: string,
    opts: {
      /** When this listing started: what counts as too recent is measured from it (tests move it). */
      started?: number;
      /** Use nothing cached: read every directory again (and keep what is read). */
      fresh?: boolean;
    } = {},
  ) {
    this.started = opts.started ?? Date.now();
    this.old = opts.fresh ? { v: version, n: -1, dirs: {} } : load(path, version);
    this.next = { v: version, n: 0, dirs: {} };
  }

  /** The key to keep a fresh read under; undefined while the entry is too recent to trust (RACY_MS). */
  private keyOf(st: Stats): Key | undefined {
    return st.ctimeMs >= this.started - RACY_MS ? undefined : [st.ino, st.size, st.mtimeMs, st.ctimeMs];
  }

  /**
   * The value `read` makes of the directory (given its full path), from the
   * cache while the directory is unchanged; undefined when it is not a
   * directory. Only values `keep` accepts are cached (not errors, which may
   * depend on who reads). A listing passes the same two functions for every
   * directory: no closure is made per entry.
   */
  dir<V>(rel: string, read: (path: string) => V, keep: (v: V) => boolean): V | undefined {
    const path = rel ? `${this.base}/${rel}` : this.base;
    let st: Stats | undefined;
    try {
      st = statSync(path, NO_THROW);
    } catch {
      return undefined; // not a directory on the way, or unreadable: what `read` would say is "no listing"
    }
    if (!st?.isDirectory()) return undefined;
    const hit = this.old.dirs[rel];
    if (Array.isArray(hit) && sameKey(st, hit[0])) {
      this.next.dirs[rel] = hit;
      this.next.n++;
      return hit[1] as V;
    }
    const value = read(path);
    const key = this.keyOf(st);
    if (key && keep(value)) {
      this.next.dirs[rel] = [key, value];
      this.next.n++;
      this.dirty = true;
    }
    return value;
  }

  /**
   * Replaces the value kept for `rel` by this listing with one worked out
   * after the read (an order known only once every entry is read); the cache
   * is then written. Nothing happens when the read was not kept.
   */
  amend(rel: string, value: unknown): void {
    const entry = this.next.dirs[rel];
    if (!entry) return;
    this.next.dirs[rel] = [entry[0], value];
    this.dirty = true;
  }

  /**
   * Writes the cache back when it changed: an entry added, or one dropped
   * (not asked for this time, or no longer matching). Reads that are not
   * kept (a damaged record) change nothing, so a listing that only makes
   * those writes nothing.
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
