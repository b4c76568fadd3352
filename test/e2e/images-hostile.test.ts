// Hostile, corrupt and concurrent imports: a clear error and nothing left behind.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { busyboxTar, REPO, rocker, tempStore } from '../helpers/rocker.ts';
import { writeTar } from '../helpers/tar.ts';
import { eventually } from '../helpers/poll.ts';

const store = tempStore();
const { env, root } = store;
const work = join(root, '..', 'work');
const outside = join(root, '..', 'outside');
let bb: string;

beforeAll(() => {
  bb = busyboxTar();
  mkdirSync(work);
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret'), 'do not touch');
});
afterAll(() => store.cleanup());

/** Nothing of a failed import may stay: no record, no layer, no staging. */
function expectNothingLeft() {
  const images = join(root, 'images');
  expect(existsSync(images) ? readdirSync(images) : []).toEqual([]);
  const layers = join(root, 'layers', 'sha256');
  expect(existsSync(layers) ? readdirSync(layers) : []).toEqual([]);
  const tmp = join(root, 'tmp');
  expect(existsSync(tmp) ? readdirSync(tmp) : []).toEqual([]);
}

function expectOutsideUntouched() {
  expect(readdirSync(outside)).toEqual(['secret']);
  expect(readFileSync(join(outside, 'secret'), 'utf8')).toBe('do not touch');
  expect(statSync(join(outside, 'secret')).nlink).toBe(1);
}

const rel = (depth: number) => '../'.repeat(depth);

test.each([
  ['a ../ member', [{ name: `${rel(6)}${outside.slice(1)}/planted`, data: 'x' }], /member ".*planted" points outside the root filesystem/],
  ['a symlink to a directory outside, then a member through it', [
    { name: 'link', type: 'symlink', linkname: outside },
    { name: 'link/planted', data: 'x' },
  ], /member "link\/planted" goes through the symlink "link"/],
  ['a relative symlink climbing out, then a member through it', [
    { name: 'up', type: 'symlink', linkname: `${rel(12)}${outside.slice(1)}` },
    { name: 'up/planted', data: 'x' },
  ], /goes through the symlink "up"/],
  ['a hard link to a file outside', [{ name: 'hl', type: 'hardlink', linkname: `${rel(12)}${outside.slice(1)}/secret` }], /hard link "hl" points outside the root filesystem/],
  ['a hard link through a symlink', [
    { name: 'link', type: 'symlink', linkname: outside },
    { name: 'hl', type: 'hardlink', linkname: 'link/secret' },
  ], /hard link target "link\/secret" goes through the symlink "link"/],
] as const)('refuses %s and writes nothing outside', (_what, members, message) => {
  const file = writeTar(join(work, 'evil.tar'), members as never);
  const r = rocker(['import', file, 'evil'], env);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(new RegExp(`^rocker: cannot import ${file}: `));
  expect(r.stderr).toMatch(message);
  expect(r.stderr.trim().split('\n').length).toBe(1);
  expectOutsideUntouched();
  expectNothingLeft();
});

test('absolute member paths land inside the rootfs', () => {
  const file = writeTar(join(work, 'abs.tar'), [{ name: `${outside}/planted`, data: 'x' }]);
  const r = rocker(['import', file, 'abs'], env);
  expect(r.code).toBe(0);
  expectOutsideUntouched();
  expect(readFileSync(join(root, 'images', 'abs', 'latest', 'rootfs', outside.slice(1), 'planted'), 'utf8')).toBe('x');
  expect(rocker(['rmi', 'abs'], env).code).toBe(0);
  expectNothingLeft();
});

test('corrupt, truncated, missing and unsupported inputs get a one-line error naming the file', () => {
  const whole = readFileSync(bb);
  const cases: Array<[string, Buffer | 'dir' | 'missing', RegExp]> = [
    ['garbage.tar', Buffer.from('this is not an archive at all '.repeat(40)), /not a tar archive/],
    ['empty.tar', Buffer.alloc(0), /the file is empty/],
    ['truncated.tar', whole.subarray(0, Math.floor(whole.length / 2)), /truncated|tar failed/],
    ['truncated.tar.gz', spawnSync('gzip', ['-c'], { input: whole }).stdout.subarray(0, 20000), /corrupt gzip data|truncated/],
    ['truncated.tar.xz', spawnSync('xz', ['-c'], { input: whole }).stdout.subarray(0, 20000), /corrupt xz data/],
    ['truncated.tar.zst', spawnSync('zstd', ['-c'], { input: whole }).stdout.subarray(0, 20000), /corrupt zstd data/],
    ['image.tar.lz4', Buffer.from([0x04, 0x22, 0x4d, 0x18, 1, 2, 3]), /unsupported compression lz4/],
    ['a-directory', 'dir', /is a directory/],
    ['missing.tar', 'missing', /no such file or directory/],
  ];
  for (const [name, content, why] of cases) {
    const file = join(work, name);
    if (content === 'dir') mkdirSync(file, { recursive: true });
    else if (content !== 'missing') writeFileSync(file, content);
    const r = rocker(['import', file, 'bad'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toStartWith(`rocker: cannot import ${file}: `);
    expect(r.stderr).toMatch(why);
    expect(r.stderr.trim().split('\n').length).toBe(1);
    expectNothingLeft();
  }
});

test('an import killed midway leaves no image and its staging is cleaned up next time', async () => {
  const child = spawn(join(REPO, 'bin', 'rocker'), ['import', '-', 'killed'], { env, stdio: ['pipe', 'ignore', 'ignore'] });
  const whole = readFileSync(bb);
  const closed = new Promise((r) => child.on('close', r));
  // Half the archive, and stdin stays open: once the pipe has taken it all and the
  // layer's staging exists, the import is mid-archive.
  await new Promise((r) => child.stdin.write(whole.subarray(0, whole.length / 2), r));
  const tmp = join(root, 'tmp');
  await eventually(() => existsSync(tmp) && readdirSync(tmp).some((f) => f.startsWith(`layer-${child.pid}-`)), 'the import to start staging');
  child.kill('SIGKILL');
  await closed;
  expect(rocker(['images', '-q'], env).stdout).toBe('');
  expect(rocker(['import', bb, 'after'], env).code).toBe(0);
  expect(readdirSync(join(root, 'tmp'))).toEqual([]);
  expect(rocker(['rmi', 'after'], env).code).toBe(0);
  expectNothingLeft();
});

test('concurrent imports never corrupt the store and images never shows half an image', async () => {
  const run = (args: string[]) =>
    new Promise<{ code: number; stderr: string }>((resolve) => {
      const c = spawn(join(REPO, 'bin', 'rocker'), args, { env });
      let stderr = '';
      c.stderr.on('data', (d) => (stderr += d));
      c.on('close', (code) => resolve({ code: code ?? -1, stderr }));
    });
  const imports = [
    run(['import', bb, 'same']),
    run(['import', bb, 'same']),
    run(['import', bb, 'one']),
    run(['import', bb, 'two:v2']),
  ];
  let listing = true;
  const lister = (async () => {
    let n = 0;
    while (listing) {
      const r = rocker(['images', '--format', 'json'], env);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
      for (const img of JSON.parse(r.stdout)) expect(img.layers.length).toBe(1);
      n++;
      await Bun.sleep(5);
    }
    return n;
  })();
  const results = await Promise.all(imports);
  listing = false;
  expect(await lister).toBeGreaterThan(0);
  for (const r of results) expect(r).toEqual({ code: 0, stderr: '' });
  const names = JSON.parse(rocker(['images', '--format', 'json'], env).stdout).map((i: { name: string; tag: string }) => `${i.name}:${i.tag}`).sort();
  expect(names).toEqual(['one:latest', 'same:latest', 'two:v2']);
  expect(readdirSync(join(root, 'layers', 'sha256')).length).toBe(1);
  expect(rocker(['rmi', 'one', 'same', 'two:v2'], env).code).toBe(0);
  expectNothingLeft();
});
