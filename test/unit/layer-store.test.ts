import { afterEach, describe, expect, test } from 'bun:test';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { ContentStore } from '../../src/engine/content/store.ts';
import { LayerStore } from '../../src/engine/layer-store/store.ts';
import { storePaths, type StorePaths } from '../../src/engine/paths.ts';
import { type Member, tarBytes } from '../helpers/tar.ts';

// Under /var/tmp: staging directories are renamed into the store, as on a real root.
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function fresh(): { paths: StorePaths; layers: LayerStore } {
  const d = mkdtempSync('/var/tmp/rocker-layers-');
  dirs.push(d);
  const paths = storePaths(join(d, 'root'), join(d, 'run'));
  return { paths, layers: new LayerStore(paths, new ContentStore(paths.root)) };
}

const sha = (b: Uint8Array) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const stream = (b: Buffer) => Readable.from([b]);
// tarBytes stamps the current time into headers, so each archive is built once and reused.
const archive = (...members: Member[]) => tarBytes(members);
const pinFiles = (p: StorePaths) => (existsSync(p.tmp) ? readdirSync(p.tmp).filter((n) => n.startsWith('pin-')) : []);

/** A pid that certainly belongs to no running process: one that has just exited. */
function deadPid(): number {
  const r = spawnSync('true');
  if (!r.pid) throw new Error('cannot spawn true');
  return r.pid;
}

describe('importStream', () => {
  test('diffId is the sha256 of the tar; the layer directory holds diff/ and layer.json', async () => {
    const { layers } = fresh();
    const tar = archive({ name: 'etc', type: 'dir' }, { name: 'etc/hello', data: 'hi there\n' }, { name: 'link', type: 'symlink', linkname: 'etc/hello' });
    const { diffId, size } = await layers.importStream(stream(tar), 'test layer');
    expect(diffId).toBe(sha(tar));
    expect(size).toBe('hi there\n'.length);
    expect(layers.has(diffId)).toBe(true);
    expect(existsSync(join(layers.dir(diffId), 'layer.json'))).toBe(true);
    expect(layers.info(diffId)).toMatchObject({ diff_id: diffId, size });
    expect(Number.isNaN(Date.parse(layers.info(diffId)!.created))).toBe(false);
    expect(readFileSync(join(layers.diffPath(diffId), 'etc/hello'), 'utf8')).toBe('hi there\n');
    expect(lstatSync(join(layers.diffPath(diffId), 'link')).isSymbolicLink()).toBe(true);
    expect(layers.list()).toEqual([diffId]);
  });

  test('a compressed stream gets the diffId of the uncompressed tar', async () => {
    const { layers } = fresh();
    const tar = archive({ name: 'a', data: 'compressed' });
    const { diffId } = await layers.importStream(stream(gzipSync(tar)), 'gz layer');
    expect(diffId).toBe(sha(tar));
  });

  test('the same content imported twice is one layer, and no staging is left behind', async () => {
    const { paths, layers } = fresh();
    const tar = archive({ name: 'same', data: 'x' });
    const a = await layers.importStream(stream(tar), 'first');
    const b = await layers.importStream(stream(tar), 'second');
    expect(b.diffId).toBe(a.diffId);
    expect(layers.list()).toEqual([a.diffId]);
    expect(readdirSync(paths.tmp).filter((n) => !n.startsWith('pin-'))).toEqual([]);
  });

  test('a broken archive fails, adds no layer and leaves no staging', async () => {
    const { paths, layers } = fresh();
    const truncated = archive({ name: 'big', data: 'y'.repeat(4000) }).subarray(0, 1024);
    await expect(layers.importStream(stream(truncated), 'broken')).rejects.toThrow(/broken/);
    expect(layers.list()).toEqual([]);
    expect(readdirSync(paths.tmp).filter((n) => !n.startsWith('pin-'))).toEqual([]);
  });

  test('unknown layers: has is false, info is undefined', () => {
    const { layers } = fresh();
    const id = sha(Buffer.from('nope'));
    expect(layers.has(id)).toBe(false);
    expect(layers.info(id)).toBeUndefined();
    expect(layers.list()).toEqual([]);
  });
});

describe('pins and collect', () => {
  test('an imported layer is pinned by this process until unpinned', async () => {
    const { paths, layers } = fresh();
    const { diffId } = await layers.importStream(stream(archive({ name: 'p', data: 'pinned' })), 'pinned');
    expect(pinFiles(paths)).toHaveLength(1);
    expect(readFileSync(join(paths.tmp, pinFiles(paths)[0]!), 'utf8')).toBe(diffId);
    // Nothing references it yet (no image committed): the pin alone keeps it.
    expect(await layers.lock(() => layers.collect(() => new Set()))).toEqual([]);
    expect(layers.has(diffId)).toBe(true);
    layers.unpin(diffId);
    expect(pinFiles(paths)).toEqual([]);
    expect(await layers.lock(() => layers.collect(() => new Set()))).toEqual([diffId]);
    expect(layers.has(diffId)).toBe(false);
    expect(existsSync(layers.dir(diffId))).toBe(false);
  });

  test('collect keeps referenced layers and removes the others', async () => {
    const { layers } = fresh();
    const a = await layers.importStream(stream(archive({ name: 'a', data: 'a' })), 'a');
    const b = await layers.importStream(stream(archive({ name: 'b', data: 'b' })), 'b');
    layers.unpin(a.diffId);
    layers.unpin(b.diffId);
    expect(await layers.lock(() => layers.collect(() => new Set([a.diffId])))).toEqual([b.diffId]);
    expect(layers.list()).toEqual([a.diffId]);
  });

  test('a pin left by a process that died protects nothing', async () => {
    const { paths, layers } = fresh();
    const { diffId } = await layers.importStream(stream(archive({ name: 'd', data: 'dead' })), 'dead');
    layers.unpin(diffId);
    writeFileSync(join(paths.tmp, `pin-${deadPid()}-${diffId.slice(7, 23)}`), diffId);
    expect(await layers.lock(() => layers.collect(() => new Set()))).toEqual([diffId]);
  });
});

describe('staging, unpack and commitStaged: the shared commit path', () => {
  test('unpack fills a staging directory without making a layer; commitStaged places and pins it', async () => {
    const { paths, layers } = fresh();
    const tar = archive({ name: 'f', data: 'staged' });
    const stage = layers.staging('pull');
    expect(stage.startsWith(join(paths.tmp, `pull-${process.pid}-`))).toBe(true);
    const layer = await layers.unpack(stream(tar), stage, 'staged');
    expect(layer).toEqual({ diffId: sha(tar), size: 'staged'.length });
    expect(readFileSync(join(stage, 'diff', 'f'), 'utf8')).toBe('staged');
    expect(layers.has(layer.diffId)).toBe(false);

    let lockHeld = false;
    await layers.commitStaged(stage, layer, () => {
      lockHeld = existsSync(join(paths.locks, 'store.lock'));
    });
    expect(lockHeld).toBe(true);
    expect(existsSync(join(paths.locks, 'store.lock'))).toBe(false);
    expect(existsSync(stage)).toBe(false);
    expect(layers.info(layer.diffId)).toMatchObject({ diff_id: layer.diffId, size: layer.size });
    expect(readFileSync(join(layers.diffPath(layer.diffId), 'f'), 'utf8')).toBe('staged');
    expect(pinFiles(paths)).toHaveLength(1);
  });

  test('committing a layer that is already there keeps the existing one', async () => {
    const { layers } = fresh();
    const tar = archive({ name: 'f', data: 'first' });
    const first = await layers.importStream(stream(tar), 'first');
    const stage = layers.staging('layer');
    const layer = await layers.unpack(stream(tar), stage, 'again');
    writeFileSync(join(stage, 'diff', 'f'), 'tampered after unpack');
    await layers.commitStaged(stage, layer);
    expect(layers.list()).toEqual([first.diffId]);
    expect(readFileSync(join(layers.diffPath(first.diffId), 'f'), 'utf8')).toBe('first');
    rmSync(stage, { recursive: true, force: true });
  });

  test('unpack turns OCI whiteouts into overlay whiteouts (0/0 character devices)', async () => {
    const { layers } = fresh();
    const stage = layers.staging('layer');
    await layers.unpack(stream(archive({ name: 'etc', type: 'dir' }, { name: 'etc/.wh.gone', data: '' })), stage, 'whiteouts');
    const st = lstatSync(join(stage, 'diff', 'etc', 'gone'));
    expect(st.isCharacterDevice()).toBe(true);
    expect(st.rdev).toBe(0);
    expect(existsSync(join(stage, 'diff', 'etc', '.wh.gone'))).toBe(false);
  });

  test('staging removes what dead processes left in tmp, but not what live ones are using', () => {
    const { paths, layers } = fresh();
    mkdirSync(paths.tmp, { recursive: true });
    const abandoned = join(paths.tmp, `layer-${deadPid()}-abcdef`);
    const live = join(paths.tmp, `layer-${process.ppid}-abcdef`);
    mkdirSync(join(abandoned, 'diff'), { recursive: true });
    mkdirSync(join(live, 'diff'), { recursive: true });
    const mine = layers.staging('layer');
    expect(existsSync(abandoned)).toBe(false);
    expect(existsSync(live)).toBe(true);
    expect(existsSync(join(mine, 'diff'))).toBe(true);
  });
});
