import { afterEach, expect, test } from 'bun:test';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { listDir } from '../../src/common/dir.ts';
import { StatCache } from '../../src/common/stat-cache.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A store with one directory `a` holding a record `rec`. */
function fresh(): { base: string; file: string } {
  const root = mkdtempSync('/var/tmp/rocker-stat-cache-');
  dirs.push(root);
  mkdirSync(join(root, 'data', 'a'), { recursive: true });
  writeFileSync(join(root, 'data', 'a', 'rec'), 'one');
  return { base: join(root, 'data'), file: join(root, 'cache', 'c.json') };
}

/** A listing that starts `later` ms from now: what was written before it is then old enough to keep. */
function listing(t: { base: string; file: string }, later = 1000, opts: { version?: string; fresh?: boolean } = {}): StatCache {
  return new StatCache(t.file, opts.version ?? 'v1', t.base, { started: Date.now() + later, fresh: opts.fresh });
}

/**
 * File times come from a coarse clock: two changes in one tick can carry the
 * same times. Waits until a change made now is sure to get later times than
 * the directory's last one (a few ms), so the test sees what a user changing
 * it later would.
 */
function settle(path: string): void {
  const last = statSync(path).ctimeMs;
  const deadline = Date.now() + 1000;
  while (Date.now() - last < 25 && Date.now() < deadline) Bun.sleepSync(5);
}

/** Reads directory `rel`'s record through the cache, counting the real reads. */
function reader() {
  const reads: string[] = [];
  const read = (path: string) => {
    reads.push(path.split('/').pop()!);
    try {
      return readFileSync(join(path, 'rec'), 'utf8');
    } catch {
      return undefined;
    }
  };
  const get = (c: StatCache, rel: string) => c.dir(rel, read, (v) => v !== undefined);
  return { reads, get };
}

/** A later listing that reads `rel` and saves: the cache then holds it. */
function warm(t: { base: string; file: string }, get: ReturnType<typeof reader>['get'], rel = 'a'): void {
  const c = listing(t);
  get(c, rel);
  c.save();
}

test('a directory read by one listing is served to the next from the cache, while its stat is unchanged', () => {
  const t = fresh();
  const { reads, get } = reader();
  const first = listing(t);
  expect(get(first, 'a')).toBe('one');
  first.save();
  expect(get(listing(t), 'a')).toBe('one');
  expect(reads).toEqual(['a']);
});

test('a record replaced by rename, a new or removed entry, or a chmod of the directory (ctime) is read again', () => {
  const t = fresh();
  const dir = join(t.base, 'a');
  const { reads, get } = reader();
  warm(t, get);
  // Listings that start now; each change comes a tick after the last, as a user's would.
  settle(dir);
  writeFileSync(join(dir, 'rec.new'), 'two');
  renameSync(join(dir, 'rec.new'), join(dir, 'rec'));
  expect(get(listing(t, 0), 'a')).toBe('two');
  warm(t, get);
  settle(dir);
  writeFileSync(join(dir, 'exit'), '0\n');
  get(listing(t, 0), 'a');
  warm(t, get);
  settle(dir);
  rmSync(join(dir, 'exit'));
  get(listing(t, 0), 'a');
  warm(t, get);
  settle(dir);
  chmodSync(dir, 0o700);
  get(listing(t, 0), 'a');
  expect(reads.length).toBe(8);
});

test('an edit in place leaves the directory as it was: listings keep the old value, a fresh cache reads it and keeps it', () => {
  const t = fresh();
  const { reads, get } = reader();
  warm(t, get);
  settle(join(t.base, 'a', 'rec'));
  writeFileSync(join(t.base, 'a', 'rec'), 'edited');
  expect(get(listing(t), 'a')).toBe('one');
  const check = listing(t, 1000, { fresh: true });
  expect(get(check, 'a')).toBe('edited');
  check.save();
  expect(get(listing(t), 'a')).toBe('edited');
  expect(reads).toEqual(['a', 'a']);
});

test('a directory changed just before the listing started is not kept: the same tick could hide a later change', () => {
  const t = fresh();
  const { reads, get } = reader();
  const now = listing(t, 0);
  get(now, 'a');
  now.save();
  get(listing(t, 0), 'a');
  expect(reads).toEqual(['a', 'a']);
});

test('values `keep` refuses are read every time; what is not a directory reads as undefined without a read', () => {
  const t = fresh();
  mkdirSync(join(t.base, 'empty'));
  const { reads, get } = reader();
  const c = listing(t);
  expect(get(c, 'empty')).toBeUndefined();
  c.save();
  expect(get(listing(t), 'empty')).toBeUndefined();
  expect(get(listing(t), 'gone')).toBeUndefined();
  expect(get(listing(t), 'a/rec')).toBeUndefined();
  expect(get(listing(t), 'a/rec/below')).toBeUndefined();
  expect(reads).toEqual(['empty', 'empty']);
});

test('listDir tells sub-directories from files, and is undefined for what is not a directory', () => {
  const t = fresh();
  writeFileSync(join(t.base, 'f'), '');
  expect(listDir(t.base)).toEqual({ dirs: ['a'], files: ['f'] });
  expect(listDir(join(t.base, 'f'))).toBeUndefined();
  expect(listDir(join(t.base, 'gone'))).toBeUndefined();
});

test('a damaged cache file, or one of another version, only misses', () => {
  const t = fresh();
  const { reads, get } = reader();
  mkdirSync(join(t.file, '..'), { recursive: true });
  for (const junk of ['{', '[]', 'null', '{"v":"v1","n":2,"dirs":{"a":5}}', '{"v":"v1","n":1,"dirs":{"a":[[1,2],"x"]}}', '{"v":"v1","n":1,"dirs":{"a":[null,"x"]}}', '{"v":"v0","n":0,"dirs":{}}']) {
    writeFileSync(t.file, junk);
    expect(get(listing(t), 'a')).toBe('one');
  }
  expect(reads.length).toBe(7);
});

test('save writes only when something was read, leaves no temporary file, and sweeps those of dead writers', () => {
  const t = fresh();
  const { get } = reader();
  warm(t, get);
  const cacheDir = join(t.file, '..');
  const dead = join(cacheDir, 'c.json.999999999.tmp');
  writeFileSync(dead, 'half');
  const written = readFileSync(t.file, 'utf8');
  warm(t, get); // nothing new: no write, no sweep
  expect(readdirSync(cacheDir).sort()).toEqual(['c.json', 'c.json.999999999.tmp']);
  mkdirSync(join(t.base, 'b'));
  writeFileSync(join(t.base, 'b', 'rec'), 'two');
  const more = listing(t);
  get(more, 'a');
  get(more, 'b');
  more.save();
  expect(readdirSync(cacheDir)).toEqual(['c.json']);
  expect(readFileSync(t.file, 'utf8')).not.toBe(written);
});

test('a listing whose reads are all uncacheable writes nothing, however often it runs', () => {
  const t = fresh();
  mkdirSync(join(t.base, 'incomplete'));
  const { get } = reader();
  warm(t, get);
  const written = statSync(t.file);
  for (let i = 0; i < 3; i++) {
    const c = listing(t);
    get(c, 'a');
    expect(get(c, 'incomplete')).toBeUndefined();
    c.save();
  }
  const now = statSync(t.file);
  expect([now.ino, now.mtimeMs]).toEqual([written.ino, written.mtimeMs]);
});
