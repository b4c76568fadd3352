// A store on a small tmpfs that fills up: import, pull, commit, run and build each
// fail with one line naming the store and "no space left", leave nothing
// half-written (system check finds nothing), and everything works again
// once space is freed.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { closeSync, existsSync, openSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { FakeRegistry, makeImage } from '../helpers/registry.ts';
import { busyboxTar, ROCKER, rocker, tempStore, type Result } from '../helpers/rocker.ts';
import { tarBytes } from '../helpers/tar.ts';

const store = tempStore();
const { env, root } = store;
const filler = join(root, 'filler');
let fake: FakeRegistry;

beforeAll(async () => {
  const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', root], { encoding: 'utf8' });
  if (m.status !== 0) throw new Error(`cannot mount a tmpfs for the store: ${m.stderr}`);
  fake = await new FakeRegistry().start();
  fake.add('lib/small', '1', makeImage([tarBytes([{ name: 'hello.txt', data: 'hello\n' }])]));
});
afterAll(async () => {
  await fake.stop();
  try {
    expect(rocker(['system', 'check'], env)).toEqual({ code: 0, stdout: 'no problems found\n', stderr: '' });
  } finally {
    // The network definitions live in the store: its bridge is removed while they are still there.
    rocker(['network', 'prune'], env);
    spawnSync('umount', [root]);
    store.cleanup();
  }
});

/** rocker without blocking the event loop (the fake registry answers from it). */
async function rockerAsync(args: string[]): Promise<Result> {
  const p = Bun.spawn([ROCKER, ...args], { env, stdout: 'pipe', stderr: 'pipe' });
  const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  return { code, stdout, stderr };
}

/** Fills the file system to the last byte. */
function fillDisk(): void {
  const fd = openSync(filler, 'w');
  const chunk = Buffer.alloc(64 * 1024);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    closeSync(fd);
  }
}

const DOCKERFILE = 'FROM busybox\nRUN echo built > /built.txt\n';

const entries = (rel: string) => readdirSync(join(root, rel)).filter((e) => e !== '.names').sort();

test('import, pull, commit, run and build on a full disk: one line naming the store; nothing half-written; fine once freed', async () => {
  expect(rocker(['import', busyboxTar(), 'busybox'], env).code).toBe(0);
  expect(rocker(['run', '--name', 'changed', 'busybox', 'sh', '-c', 'echo kept > /kept.txt'], env).code).toBe(0);
  const before = { images: entries('images'), layers: entries('layers/sha256'), containers: entries('containers') };
  fillDisk();
  const full = `: no space left on device in the store (${root})\n`;
  expect(rocker(['import', busyboxTar(), 'second'], env)).toEqual({ code: 1, stdout: '', stderr: `rocker: cannot import ${busyboxTar()}${full}` });
  const pull = await rockerAsync(['pull', '-q', `${fake.host}/lib/small:1`]);
  expect(pull).toEqual({ code: 1, stdout: '', stderr: `rocker: cannot pull ${fake.host}/lib/small:1${full}` });
  expect(rocker(['commit', 'changed', 'snapshot'], env)).toEqual({ code: 1, stdout: '', stderr: `rocker: cannot import container changed${full}` });
  expect(rocker(['run', '--rm', 'busybox', 'true'], env)).toEqual({ code: 125, stdout: '', stderr: `rocker: run failed${full}` });
  const build = rocker(['build', '-q', '-t', 'built', '-'], env, { input: DOCKERFILE });
  expect({ code: build.code, stdout: build.stdout, lines: build.stderr.split('\n').length, full: build.stderr.endsWith(full) }).toEqual({ code: 1, stdout: '', lines: 2, full: true });
  // Nothing half-written: the store is as it was, with no staging left.
  expect({ images: entries('images'), layers: entries('layers/sha256'), containers: entries('containers') }).toEqual(before);
  expect(entries('tmp')).toEqual([]);
  // No lock left behind either: one without its owner would hold every later command off until it went stale.
  expect(existsSync(join(root, 'locks')) ? entries('locks') : []).toEqual([]);
  expect(rocker(['system', 'check'], env)).toEqual({ code: 0, stdout: 'no problems found\n', stderr: '' });

  rmSync(filler);
  expect(rocker(['import', busyboxTar(), 'second'], env).code).toBe(0);
  expect((await rockerAsync(['pull', '-q', `${fake.host}/lib/small:1`])).code).toBe(0);
  expect(rocker(['commit', 'changed', 'snapshot'], env).code).toBe(0);
  expect(rocker(['run', '--rm', 'snapshot', 'cat', '/kept.txt'], env)).toEqual({ code: 0, stdout: 'kept\n', stderr: '' });
  expect(rocker(['build', '-q', '-t', 'built', '-'], env, { input: DOCKERFILE }).code).toBe(0);
  expect(rocker(['run', '--rm', 'built', 'cat', '/built.txt'], env)).toEqual({ code: 0, stdout: 'built\n', stderr: '' });
  expect(rocker(['inspect', `${fake.host}/lib/small:1`], env).code).toBe(0);
  expect(rocker(['rm', 'changed'], env).code).toBe(0);
});
