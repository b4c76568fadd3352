import { afterAll, beforeAll, expect, test } from 'bun:test';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cachedBinary, ensureBinary } from '../../src/ocx/opencode/binary.ts';
import { mirror, type Source } from '../../src/ocx/opencode/sources.ts';

let home = '';
let files = '';
const savedHome = process.env.HOME;
beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'ocx-bin-'));
  files = join(home, 'mirror');
  process.env.HOME = home;
  // A mirror holding a release-style tarball (any ELF stands in for opencode) and a bare binary.
  mkdirSync(join(files, 'pkg', 'bin'), { recursive: true });
  copyFileSync('/bin/true', join(files, 'pkg', 'bin', 'opencode'));
  spawnSync('tar', ['-czf', join(files, 'opencode-9.9.9-x64.tar.gz'), '-C', files, 'pkg']);
  copyFileSync('/bin/true', join(files, 'opencode-8.8.8-x64'));
  writeFileSync(join(files, 'opencode-7.7.7-x64'), '#!/bin/sh\necho not a binary\n');
});
afterAll(() => {
  process.env.HOME = savedHome;
  rmSync(home, { recursive: true, force: true });
});

const never: Source = { name: 'never', fetch: async () => { throw new Error('must not be asked'); } };

test('a file:// mirror template; a failing source falls through to the next; the result is cached', async () => {
  const got = await ensureBinary('9.9.9', 'x64', [mirror('file:///nonexistent/{version}-{arch}'), mirror(`file://${files}/opencode-{version}-{arch}.tar.gz`)]);
  expect(got.path).toBe(join(home, '.cache', 'ocx', 'opencode', '9.9.9', 'linux-x64', 'opencode'));
  expect(got.meta.source).toBe(`mirror file://${files}/opencode-{version}-{arch}.tar.gz`);
  expect(spawnSync(got.path).status).toBe(0);
  expect((await ensureBinary('9.9.9', 'x64', [never])).meta.sha256).toBe(got.meta.sha256);
});

test('a bare binary works too; a corrupted cache entry is fetched again', async () => {
  const src = mirror(`file://${files}/opencode-{version}-{arch}`);
  const got = await ensureBinary('8.8.8', 'x64', [src]);
  writeFileSync(got.path, 'garbage');
  expect(await cachedBinary('8.8.8', 'x64')).toBeUndefined();
  const again = await ensureBinary('8.8.8', 'x64', [src]);
  expect(again.meta.sha256).toBe(got.meta.sha256);
});

test('something that is not a Linux executable is refused, and nothing is cached', async () => {
  await expect(ensureBinary('7.7.7', 'x64', [mirror(`file://${files}/opencode-{version}-{arch}`)])).rejects.toThrow(
    /cannot download OpenCode 7\.7\.7: mirror .*: the download is neither a \.tar\.gz nor a Linux executable/,
  );
  expect(await cachedBinary('7.7.7', 'x64')).toBeUndefined();
});
