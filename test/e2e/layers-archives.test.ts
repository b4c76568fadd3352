// rocker save / load with OCI image layout archives, and bad archives on purpose.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { busyboxTar, rocker, tempStore } from '../helpers/rocker.ts';
import { makeImage } from '../helpers/registry.ts';
import { tarBytes, writeTar } from '../helpers/tar.ts';

const src = tempStore('rocker-arch-src-');
const dst = tempStore('rocker-arch-dst-');
const work = join(src.root, '..', 'work');
const ok = (r: { code: number; stdout: string; stderr: string }) => {
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}${r.stdout}`);
  return r;
};
const tar = (...args: string[]) => {
  const r = spawnSync('tar', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
};
const files = (root: string, rel: string) => (existsSync(join(root, rel)) ? readdirSync(join(root, rel)) : []);
function expectStoreEmpty(root: string): void {
  expect(files(root, 'layers/sha256')).toEqual([]);
  expect(files(root, 'images')).toEqual([]);
  expect(files(root, 'tmp').filter((n) => !n.startsWith('pin-'))).toEqual([]);
}

beforeAll(() => {
  mkdirSync(work, { recursive: true });
  ok(rocker(['import', busyboxTar(), 'arch/bb:1'], src.env));
  ok(rocker(['save', '-o', join(work, 'bb.tar'), 'arch/bb:1'], src.env));
});
afterAll(() => {
  src.cleanup();
  dst.cleanup();
});

test('an OCI image layout archive (index.json, no manifest.json) loads, named by its annotation, and runs', () => {
  const dir = join(work, 'oci');
  mkdirSync(dir);
  tar('-xf', join(work, 'bb.tar'), '-C', dir);
  expect(JSON.parse(readFileSync(join(dir, 'oci-layout'), 'utf8'))).toEqual({ imageLayoutVersion: '1.0.0' });
  tar('-cf', join(work, 'oci.tar'), '-C', dir, 'oci-layout', 'index.json', 'blobs');
  const r = ok(rocker(['load', '-i', join(work, 'oci.tar')], dst.env));
  expect(r.stdout).toBe('Loaded image: arch/bb:1\n');
  const run = rocker(['run', '--rm', '--network', 'none', 'arch/bb:1', '/bin/echo', 'loaded'], dst.env);
  expect(run.stdout).toBe('loaded\n');
  ok(rocker(['rmi', 'arch/bb:1'], dst.env));
  expectStoreEmpty(dst.root);
});

test('a compressed archive on standard input loads', () => {
  const gz = spawnSync('sh', ['-c', `gzip -c "${join(work, 'bb.tar')}" | "$ROCKER" load`], { env: { ...dst.env, ROCKER: join(import.meta.dir, '..', '..', 'bin', 'rocker') }, encoding: 'utf8' });
  expect(gz.stderr).toBe('');
  expect(gz.stdout).toBe('Loaded image: arch/bb:1\n');
  ok(rocker(['rmi', 'arch/bb:1'], dst.env));
});

test('a layer whose blob does not match its digest is refused; nothing is left', () => {
  const dir = join(work, 'corrupt');
  mkdirSync(dir);
  tar('-xf', join(work, 'bb.tar'), '-C', dir);
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'));
  const manifest = JSON.parse(readFileSync(join(dir, 'blobs', 'sha256', index.manifests[0].digest.slice(7)), 'utf8'));
  const layer = join(dir, 'blobs', 'sha256', manifest.layers[0].digest.slice(7));
  const bytes = readFileSync(layer);
  bytes[bytes.length - 100]! ^= 0xff;
  writeFileSync(layer, bytes);
  tar('-cf', join(work, 'corrupt.tar'), '-C', dir, 'oci-layout', 'index.json', 'blobs');
  const r = rocker(['load', '-i', join(work, 'corrupt.tar')], dst.env);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/^rocker: cannot load .*corrupt\.tar: layer [0-9a-f]{12}: (blob digest mismatch|.*corrupt)/);
  expect(r.stderr.trim().split('\n').length).toBe(1);
  expectStoreEmpty(dst.root);
});

test('a docker save archive whose layer is not what the config says is refused', () => {
  const good = makeImage([tarBytes([{ name: 'a', data: 'a' }])]);
  const dir = join(work, 'mismatch');
  mkdirSync(dir);
  writeFileSync(join(dir, 'config.json'), good.config);
  writeTar(join(dir, 'layer.tar'), [{ name: 'b', data: 'not what the config says' }]);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify([{ Config: 'config.json', RepoTags: ['bad/one:1'], Layers: ['layer.tar'] }]));
  tar('-cf', join(work, 'mismatch.tar'), '-C', dir, 'manifest.json', 'config.json', 'layer.tar');
  const r = rocker(['load', '-i', join(work, 'mismatch.tar')], dst.env);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/^rocker: cannot load .*mismatch\.tar: layer [0-9a-f]{12}: the layer's content does not match the image config/);
  expectStoreEmpty(dst.root);
});

test('hostile archives: a member climbing out, a manifest naming files outside the archive', () => {
  writeTar(join(work, 'climb.tar'), [{ name: '../../escape.txt', data: 'x' }]);
  const climb = rocker(['load', '-i', join(work, 'climb.tar')], dst.env);
  expect(climb.code).toBe(1);
  expect(climb.stderr).toMatch(/^rocker: cannot load .*climb\.tar: member "\.\.\/\.\.\/escape\.txt" points outside/);
  writeTar(join(work, 'outside.tar'), [
    { name: 'manifest.json', data: JSON.stringify([{ Config: '/etc/passwd', RepoTags: ['x/y:1'], Layers: [] }]) },
    { name: 'link', type: 'symlink', linkname: '/etc/hostname' },
  ]);
  const outside = rocker(['load', '-i', join(work, 'outside.tar')], dst.env);
  expect(outside.code).toBe(1);
  expect(outside.stderr).toMatch(/^rocker: cannot load .*outside\.tar: "\/etc\/passwd" is missing from the archive\n$/);
  writeTar(join(work, 'link.tar'), [
    { name: 'manifest.json', data: JSON.stringify([{ Config: 'link', RepoTags: ['x/y:1'], Layers: [] }]) },
    { name: 'link', type: 'symlink', linkname: '/etc/hostname' },
  ]);
  const link = rocker(['load', '-i', join(work, 'link.tar')], dst.env);
  expect(link.code).toBe(1);
  expect(link.stderr).toMatch(/^rocker: cannot load .*link\.tar: "link" points outside the archive\n$/);
  expectStoreEmpty(dst.root);
  expect(rocker(['load', '-i', join(work, 'nothing-here.tar')], dst.env).stderr).toMatch(/^rocker: cannot import .*nothing-here\.tar: no such file or directory/);
});

test('an archive without names loads as untagged:<id>, which image prune removes', () => {
  const dir = join(work, 'noname');
  mkdirSync(dir);
  tar('-xf', join(work, 'bb.tar'), '-C', dir);
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  manifest[0].RepoTags = null;
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  tar('-cf', join(work, 'noname.tar'), '-C', dir, 'manifest.json', 'blobs');
  const r = ok(rocker(['load', '-i', join(work, 'noname.tar')], dst.env));
  const id = manifest[0].Config.replace('blobs/sha256/', 'sha256:');
  expect(r.stdout).toBe(`Loaded image ID: ${id}\n`);
  expect(ok(rocker(['images'], dst.env)).stdout).toContain(`untagged    ${id.slice(7, 19)}`);
  const prune = ok(rocker(['image', 'prune'], dst.env));
  expect(prune.stdout).toContain(`untagged: untagged:${id.slice(7, 19)}`);
  expectStoreEmpty(dst.root);
});

test('save of an unknown image fails and leaves no file behind', () => {
  const out = join(work, 'none.tar');
  const r = rocker(['save', '-o', out, 'no/such:image'], src.env);
  expect(r.code).toBe(1);
  expect(r.stderr).toBe('rocker: no such image: no/such:image\n');
  expect(readdirSync(work).filter((f) => f.startsWith('none.tar'))).toEqual([]);
});
