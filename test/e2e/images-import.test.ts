// rocker import / images / rmi / inspect through the real bin/rocker.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { busyboxTar, rocker, tempStore } from '../helpers/rocker.ts';
import { writeTar } from '../helpers/tar.ts';

const store = tempStore();
const { env, root } = store;
let bb: string;
const work = join(root, '..', 'work');

beforeAll(() => {
  bb = busyboxTar();
  spawnSync('mkdir', ['-p', work]);
});
afterAll(() => store.cleanup());

const listed = () => JSON.parse(rocker(['images', '--format', 'json'], env).stdout) as Array<Record<string, unknown>>;

test('import prints the seed line, lays out the seed files and counts hard links once', () => {
  const r = rocker(['import', bb, 'busybox'], env);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^Imported busybox:latest \(ID: [0-9a-f]{8}, Size: \d+\.\dMB\)\n$/);
  const dir = join(root, 'images', 'busybox', 'latest');
  const rec = JSON.parse(readFileSync(join(dir, 'image.json'), 'utf8'));
  expect(rec).toMatchObject({ name: 'busybox', tag: 'latest' });
  expect(rec.id).toMatch(/^[0-9a-f]{12}$/);
  expect(rec.created_time).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  // One busybox binary with hundreds of hard links: counted once.
  const binary = statSync('/bin/busybox').size;
  expect(rec.size).toBeGreaterThanOrEqual(binary);
  expect(rec.size).toBeLessThan(binary + 64 * 1024);
  expect(statSync(join(dir, 'rootfs', 'bin', 'ls')).nlink).toBeGreaterThan(100);
  expect(readlinkSync(join(dir, 'rootfs'))).toMatch(/layers\/sha256\/[0-9a-f]{64}\/diff$/);
});

test('the id comes from the content: same tar, same id; other content, other id', () => {
  const first = listed().find((i) => i.name === 'busybox')!.id;
  expect(rocker(['import', bb, 'copy:v1'], env).code).toBe(0);
  const other = writeTar(join(work, 'other.tar'), [{ name: 'hello.txt', data: 'hi' }]);
  expect(rocker(['import', other, 'other'], env).code).toBe(0);
  const imgs = listed();
  expect(imgs.find((i) => i.name === 'copy')!.id).toBe(first);
  expect(imgs.find((i) => i.name === 'other')!.id).not.toBe(first);
  // Both busybox tags share one stored layer.
  expect(readdirSync(join(root, 'layers', 'sha256')).length).toBe(2);
});

test('compressed tars and standard input import to the same content', () => {
  const id = listed().find((i) => i.name === 'busybox')!.id;
  for (const [tool, ext] of [['gzip', 'gz'], ['bzip2', 'bz2'], ['xz', 'xz'], ['zstd', 'zst']] as const) {
    const out = join(work, `bb.tar.${ext}`);
    const c = spawnSync('sh', ['-c', `${tool} -c < '${bb}' > '${out}'`]);
    expect(c.status).toBe(0);
    const r = rocker(['import', out, `bb-${ext}`], env);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(`(ID: ${String(id).slice(0, 8)},`);
  }
  const r = rocker(['import', '-', 'piped:stdin'], env, { input: readFileSync(bb) });
  expect(r.code).toBe(0);
  expect(r.stdout).toContain(`Imported piped:stdin (ID: ${String(id).slice(0, 8)},`);
});

test('images prints the seed table, newest first; -q and json for scripts', () => {
  const r = rocker(['images'], env);
  expect(r.code).toBe(0);
  const lines = r.stdout.trimEnd().split('\n');
  expect(lines[0]).toMatch(/^REPOSITORY +TAG +IMAGE ID +SIZE +CREATED$/);
  expect(lines[1]).toMatch(/^piped +stdin +[0-9a-f]{8} +\d+\.\dMB +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  expect(lines.some((l) => /^busybox +latest /.test(l))).toBe(true);
  const ids = rocker(['images', '-q'], env).stdout.trim().split('\n');
  // One id per image, however many tags it has (Docker's -q; deliberately changed from one per tag).
  expect(ids.length).toBe(new Set(listed().map((i) => i.id)).size);
  expect(ids.every((i) => /^[0-9a-f]{12}$/.test(i))).toBe(true);
});

test('re-import replaces name:tag atomically and frees the old layer', () => {
  const a = writeTar(join(work, 'a.tar'), [{ name: 'only-in-a', data: 'a' }]);
  const b = writeTar(join(work, 'b.tar'), [{ name: 'only-in-b', data: 'b' }]);
  expect(rocker(['import', a, 'swap'], env).code).toBe(0);
  const layersBefore = readdirSync(join(root, 'layers', 'sha256')).length;
  expect(rocker(['import', b, 'swap'], env).code).toBe(0);
  const rootfs = join(root, 'images', 'swap', 'latest', 'rootfs');
  expect(existsSync(join(rootfs, 'only-in-b'))).toBe(true);
  expect(existsSync(join(rootfs, 'only-in-a'))).toBe(false);
  expect(readdirSync(join(root, 'layers', 'sha256')).length).toBe(layersBefore);
});

test('inspect prints the full record; rmi by name and by id prefix', () => {
  const ins = rocker(['inspect', 'other'], env);
  expect(ins.code).toBe(0);
  const [rec] = JSON.parse(ins.stdout);
  expect(rec.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  expect(rec.layers.length).toBe(1);
  expect(rocker(['inspect', 'nosuch'], env)).toMatchObject({ code: 1, stderr: 'rocker: no such image or container: nosuch\n' });

  const rmByName = rocker(['rmi', 'other'], env);
  expect(rmByName.code).toBe(0);
  expect(rmByName.stdout).toContain('Untagged: other:latest');
  expect(existsSync(join(root, 'images', 'other'))).toBe(false);
  const swapId = String(listed().find((i) => i.name === 'swap')!.id);
  expect(rocker(['rmi', swapId.slice(0, 6)], env).code).toBe(0);
  expect(listed().some((i) => i.name === 'swap')).toBe(false);
  const missing = rocker(['rmi', 'nosuch:tag'], env);
  expect(missing).toMatchObject({ code: 1, stderr: 'rocker: no such image: nosuch:tag\n' });
});

test('a damaged image.json is named on stderr and the others still list', () => {
  expect(rocker(['import', bb, 'broken'], env).code).toBe(0);
  writeFileSync(join(root, 'images', 'broken', 'latest', 'image.json'), '{"name": "broken", ');
  const r = rocker(['images'], env);
  expect(r.code).toBe(0);
  expect(r.stderr).toContain(`${join(root, 'images', 'broken', 'latest', 'image.json')}: not valid JSON`);
  expect(r.stdout).toMatch(/^busybox +latest /m);
  expect(r.stdout).not.toMatch(/^broken/m);
  // rmi without -f refuses, naming the damage; rmi -f removes the record and what only it used.
  const plain = rocker(['rmi', 'broken'], env);
  expect(plain).toEqual({ code: 1, stdout: '', stderr: `rocker: image broken:latest is damaged: ${join(root, 'images', 'broken', 'latest', 'image.json')}: not valid JSON\n` });
  expect(rocker(['rmi', '-f', 'broken'], env)).toEqual({ code: 0, stdout: 'Untagged: broken:latest (damaged record)\n', stderr: '' });
  expect(rocker(['images'], env).stderr).toBe('');
});

test('image names are checked before anything is written', () => {
  const fresh = tempStore();
  try {
    const cases: Array<[string, string]> = [['../evil', '"." or ".." component'], ['Busybox', 'uppercase'], ['a//b', 'empty path component'], ['', 'empty'], ['x:bad tag', 'tag']];
    for (const [name, why] of cases) {
      const r = rocker(['import', bb, name], fresh.env);
      expect(r.code).toBe(1);
      expect(r.stderr).toStartWith(`rocker: invalid image name "${name}": `);
      expect(r.stderr).toContain(why);
      expect(r.stderr.trim().split('\n').length).toBe(1);
    }
    expect(readdirSync(fresh.root)).toEqual([]);
  } finally {
    fresh.cleanup();
  }
});

test('a user without subordinate ids is told the line to add, and nothing is made for them', () => {
  const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', join(import.meta.dir, '..', '..', 'bin', 'rocker'), 'images'], { env: { ...env, ROCKER_ROOT: undefined, ROCKER_RUNROOT: undefined, XDG_RUNTIME_DIR: undefined }, encoding: 'utf8' });
  expect(r.status).toBe(1);
  expect(r.stderr).toBe('rocker: rootless mode: no line for nobody in /etc/subuid: add one such as "nobody:100000:65536" (as root: usermod --add-subuids 100000-165535 nobody)\n');
  expect(existsSync('/tmp/rocker-65534')).toBe(false);
});
