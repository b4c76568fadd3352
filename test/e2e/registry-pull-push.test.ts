// rocker push / pull / tag / history / system df / image prune against a real
// CNCF distribution registry (Debian's docker-registry) on loopback.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { busyboxTar, rocker, tempStore } from '../helpers/rocker.ts';
import { makeImage, startRegistry, uploadImage, type FixtureImage, type TestRegistry } from '../helpers/registry.ts';
import { tarBytes } from '../helpers/tar.ts';
import { getXattr } from '../../src/engine/sys/libc.ts';

let reg: TestRegistry;
let base: Buffer;
let app1: FixtureImage;
let app2: FixtureImage;
const stores: Array<ReturnType<typeof tempStore>> = [];
const store = () => {
  const s = tempStore('rocker-reg-');
  stores.push(s);
  return s;
};

const layerDirs = (root: string) => (existsSync(join(root, 'layers', 'sha256')) ? readdirSync(join(root, 'layers', 'sha256')) : []);
/** Bytes of the files under `dir` (each inode once), store metadata (*.json) left out. */
function fileBytes(dir: string, seen = new Set<number>()): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) n += fileBytes(p, seen);
    else if (e.isFile() && !e.name.endsWith('.json')) {
      const st = lstatSync(p);
      if (!seen.has(st.ino)) n += st.size;
      seen.add(st.ino);
    }
  }
  return n;
}
const ok = (r: { code: number; stderr: string; stdout: string }) => {
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}${r.stdout}`);
  return r;
};

beforeAll(async () => {
  reg = await startRegistry();
  base = readFileSync(busyboxTar());
  // Two images on the busybox base: a second layer that deletes a file (whiteout) and
  // replaces a directory's contents (opaque directory), then a top layer each.
  const middle = tarBytes([
    { name: 'etc/', type: 'dir' },
    { name: 'etc/.wh.group' },
    { name: 'home/', type: 'dir' },
    { name: 'home/.wh..wh..opq' },
    { name: 'home/new', data: 'only this\n' },
  ]);
  app1 = makeImage([base, middle, tarBytes([{ name: 'app1.txt', data: 'one\n' }])], { createdBy: ['base', 'RUN rm /etc/group', 'COPY app1.txt /'] });
  app2 = makeImage([base, middle, tarBytes([{ name: 'app2.txt', data: 'two\n'.repeat(5000) }])]);
  await uploadImage(reg.host, 'test/app', '1', app1);
  await uploadImage(reg.host, 'test/app', '2', app2);
});

afterAll(async () => {
  await reg?.stop();
  for (const s of stores) s.cleanup();
});

test('pull makes a layered image: Docker-compatible id, one directory per layer, whiteouts applied', () => {
  const { env, root } = store();
  const r = ok(rocker(['pull', `${reg.host}/test/app:1`], env));
  expect(r.stdout).toContain(`Digest: ${app1.manifestDigest}`);
  expect(r.stdout).toContain(`Status: Downloaded newer image for ${reg.host}/test/app:1`);
  // Not a terminal: plain lines, one per layer state.
  for (const l of app1.layers) expect(r.stdout).toContain(`${l.digest.slice(7, 19)}: Pull complete`);
  const rec = JSON.parse(readFileSync(join(root, 'images', reg.host, 'test', 'app', '1', 'image.json'), 'utf8'));
  // The id is the registry's config digest, as Docker would show it.
  expect(rec.digest).toBe(app1.configDigest);
  expect(rec.id).toBe(app1.configDigest.slice(7, 19));
  expect(rec.layers).toEqual(app1.layers.map((l) => l.diffId));
  expect(layerDirs(root).sort()).toEqual(app1.layers.map((l) => l.diffId.slice(7)).sort());
  const mid = join(root, 'layers', 'sha256', app1.layers[1]!.diffId.slice(7), 'diff');
  // The OCI whiteout became an overlay whiteout (a 0/0 character device); the marker files are gone.
  expect(lstatSync(join(mid, 'etc', 'group')).isCharacterDevice()).toBe(true);
  expect(existsSync(join(mid, 'etc', '.wh.group'))).toBe(false);
  expect(existsSync(join(mid, 'home', '.wh..wh..opq'))).toBe(false);
  // A second pull finds everything in place.
  expect(ok(rocker(['pull', `${reg.host}/test/app:1`], env)).stdout).toContain('Status: Image is up to date');
});

test('a pulled image runs, on its layers stacked by overlayfs: deleted files are gone', () => {
  const { env } = store();
  ok(rocker(['pull', '-q', `${reg.host}/test/app:1`], env));
  const run = rocker(['run', '--rm', '--network', 'none', `${reg.host}/test/app:1`, '/bin/sh', '-c', 'cat /app1.txt; ls /home; test -e /etc/group && echo group-present || echo group-gone; test -e /etc/passwd && echo passwd-present'], env);
  expect(run.stderr).toBe('');
  expect(run.stdout).toBe('one\nnew\ngroup-gone\npasswd-present\n');
});

test('a second image on the same base adds only its own layer', () => {
  const { env, root } = store();
  ok(rocker(['pull', `${reg.host}/test/app:1`], env));
  const before = layerDirs(root);
  const bytesBefore = fileBytes(join(root, 'layers'));
  const r = ok(rocker(['pull', `${reg.host}/test/app:2`], env));
  expect(r.stdout).toContain(`${app2.layers[0]!.digest.slice(7, 19)}: Already exists`);
  expect(r.stdout).toContain(`${app2.layers[1]!.digest.slice(7, 19)}: Already exists`);
  expect(r.stdout).toContain(`${app2.layers[2]!.digest.slice(7, 19)}: Pull complete`);
  const after = layerDirs(root);
  expect(after.filter((d) => !before.includes(d))).toEqual([app2.layers[2]!.diffId.slice(7)]);
  // On disk: the layer files grew by exactly the new layer's bytes.
  expect(fileBytes(join(root, 'layers')) - bytesBefore).toBe(20000);
  // system df counts the shared base once and reports it as shared.
  const df = JSON.parse(ok(rocker(['system', 'df', '--format', 'json'], env)).stdout);
  expect(df.images.total).toBe(2);
  expect(df.layers.total).toBe(4);
  const sizeOf = (l: { diffId: string }) => JSON.parse(readFileSync(join(root, 'layers', 'sha256', l.diffId.slice(7), 'layer.json'), 'utf8')).size as number;
  expect(df.layers.shared).toBe(sizeOf(app1.layers[0]!) + sizeOf(app1.layers[1]!));
  expect(df.images.size).toBe([...app1.layers, app2.layers[2]!].reduce((n, l) => n + sizeOf(l), 0));
  // rmi removes only what no other image uses.
  ok(rocker(['rmi', `${reg.host}/test/app:2`], env));
  expect(layerDirs(root).sort()).toEqual(before.sort());
});

test('an OCI manifest with zstd layers pulls and runs, and pushes back byte for byte', async () => {
  const { env } = store();
  const oci = makeImage([base, tarBytes([{ name: 'zstd.txt', data: 'zstd layer\n' }])], { zstd: true });
  await uploadImage(reg.host, 'test/zstd', '1', oci);
  const r = ok(rocker(['pull', `${reg.host}/test/zstd:1`], env));
  expect(r.stdout).toContain(`Digest: ${oci.manifestDigest}`);
  expect(rocker(['run', '--rm', '--network', 'none', `${reg.host}/test/zstd:1`, '/bin/cat', '/zstd.txt'], env).stdout).toBe('zstd layer\n');
  ok(rocker(['tag', `${reg.host}/test/zstd:1`, `${reg.host}/test/zstd-copy:1`], env));
  expect(ok(rocker(['push', `${reg.host}/test/zstd-copy:1`], env)).stdout).toContain(`digest: ${oci.manifestDigest}`);
});

test('pull by digest, and history lists each layer with its instruction and size', () => {
  const { env } = store();
  const r = ok(rocker(['pull', `${reg.host}/test/app@${app1.manifestDigest}`], env));
  const name = r.stdout.trim().split('\n').pop()!;
  expect(name).toBe(`${reg.host}/test/app:sha256-${app1.manifestDigest.slice(7, 19)}`);
  const h = JSON.parse(ok(rocker(['history', '--format', 'json', name], env)).stdout);
  expect(h.map((e: { created_by: string }) => e.created_by)).toEqual(['COPY app1.txt /', 'RUN rm /etc/group', 'base']);
  expect(h[0].id).toBe(app1.configDigest);
  expect(h[0].size).toBe(4);
  const table = ok(rocker(['history', name], env)).stdout;
  expect(table.split('\n')[0]).toMatch(/^IMAGE\s+CREATED\s+CREATED BY\s+SIZE\s+COMMENT$/);
  expect(table).toContain('<missing>');
});

test('push uploads only missing blobs, mounts across repositories, and round-trips into a clean store', () => {
  const a = store();
  ok(rocker(['import', busyboxTar(), 'bb'], a.env));
  ok(rocker(['tag', 'bb', `${reg.host}/rt/bb:1`], a.env));
  const first = ok(rocker(['push', `${reg.host}/rt/bb:1`], a.env));
  expect(first.stdout).toMatch(/: Pushed\n/);
  expect(first.stdout).toMatch(/^1: digest: sha256:[0-9a-f]{64} size: \d+$/m);
  const again = ok(rocker(['push', `${reg.host}/rt/bb:1`], a.env));
  expect(again.stdout).toContain(': Layer already exists');
  expect(again.stdout).not.toContain(': Pushed');
  // The same layer into another repository of the registry: mounted, not uploaded.
  ok(rocker(['tag', 'bb', `${reg.host}/rt/other:1`], a.env));
  expect(ok(rocker(['push', `${reg.host}/rt/other:1`], a.env)).stdout).toMatch(/: Mounted from rt\/bb/);

  const b = store();
  ok(rocker(['pull', `${reg.host}/rt/other:1`], b.env));
  const run = rocker(['run', '--rm', '--network', 'none', `${reg.host}/rt/other:1`, '/bin/echo', 'round trip'], b.env);
  expect(run.stdout).toBe('round trip\n');
  expect(run.code).toBe(0);
  // A pulled image pushes back byte for byte: same manifest digest, same id.
  ok(rocker(['tag', `${reg.host}/test/app:1`, `${reg.host}/copy/app:1`], (() => {
    ok(rocker(['pull', `${reg.host}/test/app:1`], b.env));
    return b.env;
  })()));
  expect(ok(rocker(['push', `${reg.host}/copy/app:1`], b.env)).stdout).toContain(`digest: ${app1.manifestDigest}`);
});

test('image prune removes unreferenced layers; -a removes images no container uses', () => {
  const { env, root } = store();
  ok(rocker(['pull', `${reg.host}/test/app:1`], env));
  ok(rocker(['pull', `${reg.host}/test/app:2`], env));
  expect(ok(rocker(['image', 'prune'], env)).stdout).toBe('Total reclaimed space: 0B\n');
  const r = ok(rocker(['image', 'prune', '-a'], env));
  expect(r.stdout).toContain(`untagged: ${reg.host}/test/app:1`);
  expect(r.stdout).toContain('Deleted Layers:');
  expect(layerDirs(root)).toEqual([]);
  expect(readdirSync(join(root, 'blobs', 'sha256'))).toEqual([]);
});

test('a pull that moves a tag keeps the layers a container still uses, until the container goes', async () => {
  const { env, root } = store();
  await uploadImage(reg.host, 'test/moving', '1', app1);
  ok(rocker(['pull', `${reg.host}/test/moving:1`], env));
  ok(rocker(['run', '--network', 'none', '--name', 'keeps-layers', `${reg.host}/test/moving:1`, '/bin/true'], env));
  await uploadImage(reg.host, 'test/moving', '1', app2);
  ok(rocker(['pull', `${reg.host}/test/moving:1`], env));
  const app1Top = app1.layers[2]!.diffId.slice(7);
  expect(layerDirs(root)).toContain(app1Top);
  ok(rocker(['rm', 'keeps-layers'], env));
  ok(rocker(['image', 'prune'], env));
  expect(layerDirs(root)).not.toContain(app1Top);
  expect(layerDirs(root)).toContain(app2.layers[2]!.diffId.slice(7));
});

test('a layer re-archived for push (imported, no original tar) carries its deletions as OCI whiteouts', () => {
  const a = store();
  const tarPath = join(a.root, '..', 'deletes.tar');
  writeFileSync(tarPath, tarBytes([
    { name: 'keep.txt', data: 'k' },
    { name: '.wh.gone.txt' },
    { name: 'dir/', type: 'dir' },
    { name: 'dir/.wh..wh..opq' },
  ]));
  ok(rocker(['import', tarPath, `${reg.host}/wh/layer:1`], a.env));
  ok(rocker(['push', `${reg.host}/wh/layer:1`], a.env));
  const b = store();
  ok(rocker(['pull', `${reg.host}/wh/layer:1`], b.env));
  const [hex] = layerDirs(b.root);
  const diff = join(b.root, 'layers', 'sha256', hex!, 'diff');
  expect(lstatSync(join(diff, 'gone.txt')).isCharacterDevice()).toBe(true);
  expect(getXattr(join(diff, 'dir'), 'trusted.overlay.opaque')).toBe('y');
  // In the registry the layer is an OCI tar with the .wh. entries, not device nodes.
  const blob = readdirSync(join(b.root, 'blobs', 'sha256')).map((f) => join(b.root, 'blobs', 'sha256', f)).find((f) => readFileSync(f).subarray(0, 2).equals(Buffer.from([0x1f, 0x8b])));
  const listing = spawnSync('tar', ['-tvzf', blob!], { encoding: 'utf8' }).stdout;
  expect(listing).toMatch(/ \.wh\.gone\.txt\n/);
  expect(listing).toMatch(/ dir\/\.wh\.\.wh\.\.opq\n/);
  expect(listing).not.toMatch(/^c/m);
});
