import { afterEach, expect, test } from 'bun:test';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StatCache } from '../../src/common/stat-cache.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function fresh(): { base: string; file: string } {
  const root = mkdtempSync('/var/tmp/rocker-stat-cache-');
  dirs.push(root);
  mkdirSync(join(root, 'data'));
  return { base: join(root, 'data'), file: join(root, 'cache', 'c.json') };
}

/** A listing that starts `later` ms from now: the files written before it are then old enough to keep. */
function listing(t: { base: string; file: string }, later = 1000, version = 'v1'): StatCache {
  return new StatCache(t.file, version, t.base, Date.now() + later);
}

/**
 * File times come from a coarse clock: two changes in one tick can carry the
 * same times. Waits until a change made now is sure to get later times than
 * the file's last one (a few ms), so the test sees what a user changing a
 * file later would.
 */
function settle(path: string): void {
  const last = statSync(path).ctimeMs;
  const deadline = Date.now() + 1000;
  while (Date.now() - last < 25 && Date.now() < deadline) Bun.sleepSync(5);
}

/** Reads `rel` through the cache, counting the real reads. */
function reader(t: { base: string }) {
  const reads: string[] = [];
  const get = (c: StatCache, rel: string) =>
    c.file(rel, () => {
      reads.push(rel);
      try {
        return readFileSync(join(t.base, rel), 'utf8');
      } catch {
        return undefined;
      }
    }, (v) => v !== undefined);
  return { reads, get };
}

/** A later listing that reads `rel` and saves: the cache then holds it. */
function warm(t: { base: string; file: string }, get: ReturnType<typeof reader>['get'], rel = 'a'): void {
  const c = listing(t);
  get(c, rel);
  c.save();
}

test('a file read by one listing is served to the next from the cache, while its stat is unchanged', () => {
  const t = fresh();
  writeFileSync(join(t.base, 'a'), 'one');
  const { reads, get } = reader(t);
  const first = listing(t);
  expect(get(first, 'a')).toBe('one');
  first.save();
  expect(get(listing(t), 'a')).toBe('one');
  expect(reads).toEqual(['a']);
});

test('a change of content, of mode (ctime) or a replacement by rename is read again', () => {
  const t = fresh();
  const path = join(t.base, 'a');
  writeFileSync(path, 'one');
  const { reads, get } = reader(t);
  warm(t, get);
  // Listings that start now; each change comes a tick after the last, as a user's would.
  settle(path);
  writeFileSync(path, 'two');
  expect(get(listing(t, 0), 'a')).toBe('two');
  warm(t, get);
  settle(path);
  chmodSync(path, 0o600);
  get(listing(t, 0), 'a');
  warm(t, get);
  settle(path);
  writeFileSync(`${path}.new`, 'six');
  renameSync(`${path}.new`, path);
  expect(get(listing(t, 0), 'a')).toBe('six');
  expect(reads).toEqual(['a', 'a', 'a', 'a', 'a', 'a']);
});

test('a file changed just before the listing started is not kept: the same tick could hide a later change', () => {
  const t = fresh();
  writeFileSync(join(t.base, 'a'), 'one');
  const { reads, get } = reader(t);
  const now = listing(t, 0);
  get(now, 'a');
  now.save();
  get(listing(t, 0), 'a');
  expect(reads).toEqual(['a', 'a']);
});

test('values `keep` refuses are read every time; a missing file reads as missing', () => {
  const t = fresh();
  const { reads, get } = reader(t);
  const c = listing(t);
  expect(get(c, 'gone')).toBeUndefined();
  c.save();
  expect(get(listing(t), 'gone')).toBeUndefined();
  expect(reads).toEqual(['gone', 'gone']);
});

test('directory listings: a new entry is seen, sub-directories apart from files', () => {
  const t = fresh();
  mkdirSync(join(t.base, 'sub'));
  writeFileSync(join(t.base, 'f'), '');
  const c = listing(t);
  expect(c.dir('')).toEqual({ dirs: ['sub'], files: ['f'] });
  c.save();
  expect(listing(t).dir('')).toEqual({ dirs: ['sub'], files: ['f'] });
  writeFileSync(join(t.base, 'g'), '');
  expect(listing(t, 0).dir('')?.files.sort()).toEqual(['f', 'g']);
  expect(listing(t).dir('nothing')).toBeUndefined();
  expect(listing(t).dir('f')).toBeUndefined();
});

test('a damaged cache file, or one of another version, only misses', () => {
  const t = fresh();
  writeFileSync(join(t.base, 'a'), 'one');
  const { reads, get } = reader(t);
  mkdirSync(join(t.file, '..'), { recursive: true });
  for (const junk of ['{', '[]', 'null', '{"v":"v1","n":2,"dirs":{"":5},"files":{"a":7}}', '{"v":"v1","n":1,"dirs":{"":[[1,2],"x"]},"files":{"a":[null,"x"]}}', '{"v":"v0","n":0,"dirs":{},"files":{}}']) {
    writeFileSync(t.file, junk);
    expect(get(listing(t), 'a')).toBe('one');
    expect(listing(t).dir('')).toEqual({ dirs: [], files: ['a'] });
  }
  expect(reads.length).toBe(6);
});

test('save writes only when something was read, leaves no temporary file, and sweeps those of dead writers', () => {
  const t = fresh();
  writeFileSync(join(t.base, 'a'), 'one');
  const { get } = reader(t);
  warm(t, get);
  const cacheDir = join(t.file, '..');
  const dead = join(cacheDir, 'c.json.999999999.tmp');
  writeFileSync(dead, 'half');
  const written = readFileSync(t.file, 'utf8');
  warm(t, get); // nothing new: no write, no sweep
  expect(readdirSync(cacheDir).sort()).toEqual(['c.json', 'c.json.999999999.tmp']);
  writeFileSync(join(t.base, 'b'), 'two');
  const more = listing(t);
  get(more, 'a');
  get(more, 'b');
  more.save();
  expect(readdirSync(cacheDir)).toEqual(['c.json']);
  expect(readFileSync(t.file, 'utf8')).not.toBe(written);
});

test('a listing whose reads are all uncacheable (absent files) writes nothing, however often it runs', () => {
  const t = fresh();
  writeFileSync(join(t.base, 'a'), 'one');
  const { get } = reader(t);
  warm(t, get);
  const written = statSync(t.file);
  for (let i = 0; i < 3; i++) {
    const c = listing(t);
    get(c, 'a');
    expect(get(c, 'exit-of-a-running-container')).toBeUndefined();
    c.save();
  }
  const now = statSync(t.file);
  expect([now.ino, now.mtimeMs]).toEqual([written.ino, written.mtimeMs]);
});
