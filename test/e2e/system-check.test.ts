// rocker system check [--repair]: damage planted in a real store is found,
// named in one line each, repaired where that is safe, and the store then
// checks clean and works.
import { expect, test } from 'bun:test';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { containerSuite } from '../helpers/container-suite.ts';
import { busyboxTar, rocker } from '../helpers/rocker.ts';

const { env, root } = containerSuite();
const check = (...args: string[]) => rocker(['system', 'check', ...args], env);
const record = (name: string) => JSON.parse(readFileSync(join(root, 'images', name, 'latest', 'image.json'), 'utf8'));

test('a clean store: no problems, exit 0', () => {
  expect(check()).toEqual({ code: 0, stdout: 'no problems found\n', stderr: '' });
});

test('planted damage is found, each in one line; --repair mends what it safely can', () => {
  expect(rocker(['import', busyboxTar(), 'victim'], env).code).toBe(0);
  expect(rocker(['import', busyboxTar(), 'norecord'], env).code).toBe(0);
  expect(rocker(['run', '--name', 'broken', 'busybox', 'true'], env).code).toBe(0);
  const id = JSON.parse(rocker(['ps', '-a', '--format', 'json'], env).stdout)[0].id as string;
  // An image record that is not JSON, a config blob whose bytes changed, a container record that is not JSON.
  writeFileSync(join(root, 'images', 'norecord', 'latest', 'image.json'), '{"name": "norecord", ');
  const digest = record('victim').digest as string;
  writeFileSync(join(root, 'blobs', 'sha256', digest.slice(7)), 'not the config');
  writeFileSync(join(root, 'containers', id, 'container.json'), '{');

  const found = check();
  expect(found.code).toBe(1);
  expect(found.stderr).toBe('');
  const lines = found.stdout.trimEnd().split('\n');
  // In check order: blobs, layers, image records (newest first), containers. victim and
  // busybox come from one tarball, so they share the config blob: both are named.
  const blob = digest.slice(0, 19);
  expect(lines.length).toBe(6);
  expect(lines[0]).toMatch(new RegExp(`^blob ${blob}: content does not match its digest \\(got sha256:[0-9a-f]{12}\\) \\(--repair: removed it\\)$`));
  expect(lines.slice(1)).toEqual([
    `image record ${join(root, 'images', 'norecord', 'latest', 'image.json')}: not valid JSON (--repair: removed the record)`,
    `image victim:latest: config blob ${blob} is missing or damaged (--repair: removed the record (pull or load it again))`,
    `image busybox:latest: config blob ${blob} is missing or damaged (--repair: removed the record (pull or load it again))`,
    `container ${id.slice(0, 12)}: damaged record (${join(root, 'containers', id, 'container.json')}): remove it with 'rocker rm -f ${id.slice(0, 12)}'`,
    '5 problems found',
  ]);

  const repaired = check('--repair');
  expect(repaired.code).toBe(1); // the container record is for its owner to remove
  expect(repaired.stdout).toEndWith('5 problems found, 4 repaired\n');
  expect(readdirSync(join(root, 'images'))).toEqual([]);
  expect(rocker(['rm', '-f', id.slice(0, 12)], env).code).toBe(0);
  expect(check()).toEqual({ code: 0, stdout: 'no problems found\n', stderr: '' });
  // The store works again: the image comes back and runs.
  expect(rocker(['import', busyboxTar(), 'busybox'], env).code).toBe(0);
  expect(rocker(['run', '--rm', 'busybox', 'echo', 'ok'], env)).toEqual({ code: 0, stdout: 'ok\n', stderr: '' });
});

test('a layer whose record is damaged is found, and the images on it with it', () => {
  const layer = (record('busybox').layers as string[])[0]!;
  writeFileSync(join(root, 'layers', 'sha256', layer.slice(7), 'layer.json'), '[]');
  const r = check();
  expect(r.code).toBe(1);
  expect(r.stdout).toBe(`layer ${layer.slice(0, 19)}: layer.json is missing or not a layer record (--repair: removed it)\nimage busybox:latest: layer ${layer.slice(0, 19)} is missing or damaged (--repair: removed the record (pull or load it again))\n2 problems found\n`);
  expect(check('--repair').stdout).toEndWith('2 problems found, 2 repaired\n');
  expect(check()).toEqual({ code: 0, stdout: 'no problems found\n', stderr: '' });
  // The suite's end-of-file check (and the next test file) wants busybox back.
  expect(rocker(['import', busyboxTar(), 'busybox'], env).code).toBe(0);
});

test("a layer's damaged blobs.json: images still lists, check names it, --repair forgets it and save makes the archive again", () => {
  const layer = (record('busybox').layers as string[])[0]!;
  const archive = join(root, 'busybox.tar');
  // save keeps the archive it makes in blobs.json.
  expect(rocker(['save', '-o', archive, 'busybox'], env).code).toBe(0);
  const blobs = join(root, 'layers', 'sha256', layer.slice(7), 'blobs.json');
  const digest = JSON.parse(readFileSync(blobs, 'utf8'))[0].digest as string;
  for (const damage of ['{"oops', '[{"digest": "not a digest"}]']) {
    writeFileSync(blobs, damage);
    const listed = rocker(['images', '--format', '{{.Repository}}'], env);
    expect(listed).toEqual({ code: 0, stdout: 'busybox\n', stderr: '' });
    const found = check();
    expect(found).toEqual({ code: 1, stdout: `layer ${layer.slice(0, 19)}: blobs.json is damaged (${damage.startsWith('{') ? 'not valid JSON' : 'not a list of blob records'}) (--repair: removed it (push and save make the archive again))\n1 problem found\n`, stderr: '' });
    expect(check('--repair').stdout).toEndWith('1 problem found, 1 repaired\n');
    expect(check()).toEqual({ code: 0, stdout: 'no problems found\n', stderr: '' });
    expect(rocker(['save', '-o', archive, 'busybox'], env).code).toBe(0);
    expect(JSON.parse(readFileSync(blobs, 'utf8'))[0].digest).toBe(digest);
  }
});
