import { afterEach, describe, expect, test } from 'bun:test';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { ContentStore } from '../../src/engine/content/store.ts';
import { type ContainerUsage, ImageStore } from '../../src/engine/image-store/store.ts';
import { LayerStore } from '../../src/engine/layer-store/store.ts';
import { storePaths, type StorePaths } from '../../src/engine/paths.ts';
import { tarBytes } from '../helpers/tar.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

interface Fixture {
  paths: StorePaths;
  content: ContentStore;
  layers: LayerStore;
  images: ImageStore;
  /** What the `usages` callback reports: containers are simulated by editing this list. */
  users: ContainerUsage[];
}

function fresh(): Fixture {
  const d = mkdtemp();
  const paths = storePaths(join(d, 'root'), join(d, 'run'));
  const content = new ContentStore(paths.root);
  const layers = new LayerStore(paths, content);
  const users: ContainerUsage[] = [];
  return { paths, content, layers, images: new ImageStore(paths, layers, () => users), users };
}

// Under /var/tmp: staging directories are renamed into the store, as on a real root.
function mkdtemp(): string {
  const d = mkdtempSync('/var/tmp/rocker-images-');
  dirs.push(d);
  return d;
}

const sha = (b: Uint8Array) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

async function layer(f: Fixture, file: string, data = file): Promise<string> {
  return (await f.layers.importStream(Readable.from([tarBytes([{ name: file, data }])]), file)).diffId;
}

const commit = (f: Fixture, name: string, tag: string, layers: string[], env: string[] = []) =>
  f.images.commit({ name, tag, layers, config: { Env: env, Cmd: ['sh'] } });

describe('commit', () => {
  test('writes images/<name>/<tag>/image.json; the id is the sha256 of the config blob the content store holds', async () => {
    const f = fresh();
    const l = await layer(f, 'a');
    const rec = await commit(f, 'library/busybox', 'v1', [l], ['A=1']);
    const file = join(f.paths.images, 'library', 'busybox', 'v1', 'image.json');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(rec);
    const config = f.content.get(rec.digest)!;
    expect(config).toBeDefined();
    expect(sha(config)).toBe(rec.digest);
    expect(rec.id).toBe(rec.digest.slice(7, 19));
    expect(JSON.parse(config.toString()).rootfs).toEqual({ type: 'layers', diff_ids: [l] });
    expect(rec).toMatchObject({ name: 'library/busybox', tag: 'v1', layers: [l], size: 1, config: { Env: ['A=1'], Cmd: ['sh'] } });
    expect(f.images.configBytes(rec)).toEqual(config);
    // The seed's rootfs/ path still leads to the files of a one-layer image.
    expect(resolve(join(file, '..'), readlinkSync(join(file, '..', 'rootfs')))).toBe(f.layers.diffPath(l));
  });

  test('the same layers and config committed twice get the same id', async () => {
    const f = fresh();
    const l = await layer(f, 'a');
    const one = await commit(f, 'one', 'latest', [l], ['X=1']);
    const two = await commit(f, 'two', 'latest', [l], ['X=1']);
    const again = await commit(f, 'one', 'latest', [l], ['X=1']);
    expect(two.digest).toBe(one.digest);
    expect(again.digest).toBe(one.digest);
    expect((await commit(f, 'three', 'latest', [l], ['X=2'])).digest).not.toBe(one.digest);
  });

  test('ends the import pin: the record now keeps the layer', async () => {
    const f = fresh();
    const l = await layer(f, 'a');
    await commit(f, 'img', 'latest', [l]);
    expect(readdirSync(f.paths.tmp).filter((n) => n.startsWith('pin-'))).toEqual([]);
    expect(await f.images.prune()).toEqual([]);
    expect(f.layers.has(l)).toBe(true);
  });

  test('refuses layers that are not in the store and invalid names', async () => {
    const f = fresh();
    await expect(commit(f, 'img', 'latest', [sha(Buffer.from('missing'))])).rejects.toThrow(/is not in the store/);
    const l = await layer(f, 'a');
    await expect(commit(f, 'Bad Name', 'latest', [l])).rejects.toThrow(/invalid image name/);
    expect(f.images.list().images).toEqual([]);
  });
});

describe('resolve', () => {
  test('by name (latest), by name:tag, by id, by id prefix with or without sha256:', async () => {
    const f = fresh();
    const l = await layer(f, 'a');
    const latest = await commit(f, 'app', 'latest', [l], ['V=latest']);
    const v2 = await commit(f, 'app', 'v2', [l], ['V=2']);
    expect(f.images.resolve('app')).toEqual(latest);
    expect(f.images.resolve('app:latest')).toEqual(latest);
    expect(f.images.resolve('app:v2')).toEqual(v2);
    expect(f.images.resolve(v2.id).tag).toBe('v2');
    expect(f.images.resolve(v2.digest).tag).toBe('v2');
    expect(f.images.resolve(v2.digest.slice(0, 7 + 8)).tag).toBe('v2');
    expect(f.images.resolve(v2.id.slice(0, 6)).tag).toBe('v2');
    expect(() => f.images.resolve('nope')).toThrow(/no such image: nope/);
    expect(() => f.images.resolve('app:v3')).toThrow(/no such image/);
  });

  test('an id prefix shared by two images is ambiguous', async () => {
    const f = fresh();
    const l = await layer(f, 'a');
    // 17 images with 16 possible first hex digits: two of them must share one.
    const byFirst = new Map<string, string>();
    let shared: string | undefined;
    for (let i = 0; i < 17 && !shared; i++) {
      const rec = await commit(f, `img${i}`, 'latest', [l], [`I=${i}`]);
      if (byFirst.has(rec.id[0]!)) shared = rec.id[0];
      byFirst.set(rec.id[0]!, rec.id);
    }
    expect(shared).toBeDefined();
    expect(() => f.images.resolve(`sha256:${shared}`)).toThrow(/ambiguous/);
  });

  test('an id carried by several tags resolves to all of them', async () => {
    const f = fresh();
    const l = await layer(f, 'a');
    const a = await commit(f, 'a', 'latest', [l]);
    await commit(f, 'b', 'latest', [l]);
    expect(f.images.resolveAll(a.id).map((r) => r.name).sort()).toEqual(['a', 'b']);
  });
});

describe('remove', () => {
  test('removes the record and its directories, then collects unreferenced layers and blobs', async () => {
    const f = fresh();
    const shared = await layer(f, 'shared');
    const own = await layer(f, 'own');
    const keep = await commit(f, 'keep', 'latest', [shared], ['K=1']);
    const gone = await commit(f, 'some/gone', 'latest', [shared, own], ['G=1']);
    const removed = await f.images.remove(['some/gone'], false);
    expect(removed.map((r) => r.digest)).toEqual([gone.digest]);
    expect(existsSync(join(f.paths.images, 'some'))).toBe(false);
    expect(f.layers.list()).toEqual([shared]);
    expect(f.content.has(gone.digest)).toBe(false);
    expect(f.content.list()).toEqual([keep.digest]);
    expect(f.images.list().images.map((r) => r.name)).toEqual(['keep']);
  });

  test('refuses while a container uses the image, naming the container; force removes it anyway', async () => {
    const f = fresh();
    const l = await layer(f, 'a');
    const rec = await commit(f, 'busy', 'latest', [l]);
    f.users.push({ id: 'c'.repeat(64), name: 'web', digest: rec.digest, layers: [l] });
    await expect(f.images.remove(['busy'], false)).rejects.toThrow(/used by container web \(cccccccccccc\)/);
    expect(f.images.find('busy', 'latest')).toEqual(rec);
    await f.images.remove(['busy'], true);
    expect(f.images.find('busy', 'latest')).toBeUndefined();
    // The container still mounts the layer: it stays while the container exists.
    expect(f.layers.has(l)).toBe(true);
    f.users.length = 0;
    expect(await f.images.prune()).toEqual([l]);
  });

  test('a start that writes its record and drops its pin while a collection reads the records keeps its layer', async () => {
    const f = fresh();
    const l = await layer(f, 'a');
    // `rmi` has gone: only the starting container's pin keeps the layer.
    f.layers.pin(l);
    // The container scan reads no record yet (it is written a moment later); by the time it
    // returns, the start has written its record and dropped its pin, as create does.
    const images = new ImageStore(f.paths, f.layers, () => {
      f.layers.unpin(l);
      return [];
    });
    expect(await images.prune()).toEqual([]);
    expect(f.layers.has(l)).toBe(true);
  });

  test('keeps layers a container uses even when no image references them any more', async () => {
    const f = fresh();
    const base = await layer(f, 'base');
    const other = await layer(f, 'other');
    await commit(f, 'img', 'latest', [base, other]);
    // A container created from an earlier image that shared `base` only.
    f.users.push({ id: 'd'.repeat(64), name: 'old', digest: sha(Buffer.from('earlier config')), layers: [base] });
    await f.images.remove(['img'], false);
    expect(f.layers.list()).toEqual([base]);
  });

  test('an id that several tags carry is not removed by id without force', async () => {
    const f = fresh();
    const l = await layer(f, 'a');
    const a = await commit(f, 'a', 'latest', [l]);
    await commit(f, 'b', 'latest', [l]);
    await expect(f.images.remove([a.id], false)).rejects.toThrow(/is tagged as/);
    expect((await f.images.remove([a.id], true)).length).toBe(2);
    expect(f.images.list().images).toEqual([]);
    expect(f.layers.list()).toEqual([]);
    expect(f.content.list()).toEqual([]);
  });
});

describe('damage', () => {
  test('configBytes throws "is damaged" when the config blob is gone', async () => {
    const f = fresh();
    const rec = await commit(f, 'img', 'latest', [await layer(f, 'a')]);
    f.content.remove(rec.digest);
    expect(() => f.images.configBytes(rec)).toThrow(/image img:latest is damaged/);
  });

  test('list reports a corrupted image.json under damaged and still lists the others', async () => {
    const f = fresh();
    const l = await layer(f, 'a');
    await commit(f, 'good', 'latest', [l]);
    await commit(f, 'bad', 'latest', [l]);
    const badFile = join(f.images.tagDir('bad', 'latest'), 'image.json');
    writeFileSync(badFile, '{ this is not json');
    const { images, damaged } = f.images.list();
    expect(images.map((r) => r.name)).toEqual(['good']);
    expect(damaged).toEqual([{ path: badFile, reason: 'not valid JSON' }]);
    expect(() => f.images.find('bad', 'latest')).toThrow(/is damaged/);
  });

  test('a record that is JSON but not an image, or names another image, is damaged too', async () => {
    const f = fresh();
    const l = await layer(f, 'a');
    const good = await commit(f, 'good', 'latest', [l]);
    await commit(f, 'x', 'latest', [l]);
    await commit(f, 'y', 'latest', [l]);
    writeFileSync(join(f.images.tagDir('x', 'latest'), 'image.json'), '{"name":"x"}');
    writeFileSync(join(f.images.tagDir('y', 'latest'), 'image.json'), JSON.stringify(good));
    const { images, damaged } = f.images.list();
    expect(images.map((r) => r.name)).toEqual(['good']);
    expect(damaged.map((d) => d.path).sort()).toEqual(['x', 'y'].map((n) => join(f.images.tagDir(n, 'latest'), 'image.json')));
    expect(damaged.find((d) => d.path.includes('/y/'))?.reason).toMatch(/names good:latest/);
  });
});
