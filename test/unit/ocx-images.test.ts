import { afterAll, beforeAll, expect, test } from 'bun:test';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContainerInfo, ImageInfo } from '../../src/ocx/engines/types.ts';
import { baseSpec, copySources, findCustomDockerfile } from '../../src/ocx/images/base.ts';
import { classify, prunePlan, removeAllPlan } from '../../src/ocx/images/inventory.ts';

let home = '';
const savedHome = process.env.HOME;
const user = { username: 'u', uid: 1000, gid: 1000 };
beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'ocx-img-'));
  process.env.HOME = home;
});
afterAll(() => {
  process.env.HOME = savedHome;
  rmSync(home, { recursive: true, force: true });
});

function project(name: string, files: Record<string, string>): string {
  const dir = join(home, name);
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(join(dir, f, '..'), { recursive: true });
    writeFileSync(join(dir, f), text);
  }
  return dir;
}

test('COPY/ADD sources are the context inputs; --from stages and URLs are not', () => {
  expect(copySources('FROM x\nCOPY a.sh b/ /dst/\nADD --chown=1:1 ["c d", "/e"]\nCOPY --from=build /x /y\nADD https://h/f /f\nRUN \\\n  echo\n')).toEqual(['a.sh', 'b/', 'c d']);
});

test('the base hash covers the Dockerfile, the files it copies and the user; nothing else', () => {
  const df = 'FROM debian:bookworm-slim\nCOPY tools/ /opt/tools/\n';
  const a = project('a', { 'docker/Dockerfile': df, 'docker/tools/x.sh': 'echo 1', 'docker/unrelated.txt': '1' });
  const b = project('b', { 'docker/Dockerfile': df, 'docker/tools/x.sh': 'echo 1', 'docker/unrelated.txt': '2' });
  const ha = baseSpec('docker/Dockerfile', a, user);
  expect(ha.ref).toMatch(/^localhost\/ocx-base:[0-9a-f]{12}$/);
  expect(ha.name).toBe('a-docker');
  // Same Dockerfile and copied files in two projects: one shared base.
  expect(baseSpec('docker/Dockerfile', b, user).ref).toBe(ha.ref);
  writeFileSync(join(b, 'docker', 'tools', 'x.sh'), 'echo 2');
  expect(baseSpec('docker/Dockerfile', b, user).ref).not.toBe(ha.ref);
  writeFileSync(join(a, 'docker', 'Dockerfile'), `${df}RUN true\n`);
  expect(baseSpec('docker/Dockerfile', a, user).ref).not.toBe(ha.ref);
  expect(baseSpec('docker/Dockerfile', a, { ...user, uid: 1001 }).ref).not.toBe(baseSpec('docker/Dockerfile', a, user).ref);
  const def = baseSpec(null, a, user);
  expect(def.source).toBe('default');
  expect(def.ref).toBe(baseSpec(null, b, { ...user, uid: 5 }).ref);
});

test('custom Dockerfiles: project first, then ~/.config/ocx, with the original\'s names; else both paths in the error', () => {
  const p = project('proj', { 'Dockerfile.ocx': 'FROM x\n' });
  expect(findCustomDockerfile('Dockerfile.ocx', p).name).toBe('proj');
  mkdirSync(join(home, '.config', 'ocx', 'rails', 'v7'), { recursive: true });
  writeFileSync(join(home, '.config', 'ocx', 'rails', 'v7', 'Dockerfile'), 'FROM x\n');
  expect(findCustomDockerfile('rails/v7/Dockerfile', p).name).toBe('rails-v7');
  expect(() => findCustomDockerfile('nope/Dockerfile', p)).toThrow(new RegExp(`looked in ${p}/nope/Dockerfile \\(project\\) and ${home}/.config/ocx/nope/Dockerfile \\(global\\)`));
});

const img = (id: string, tags: string[], days: number, labels: Record<string, string> = {}): ImageInfo =>
  ({ id, tags, created: new Date(Date.now() - days * 86400_000), size: 100, labels });
const ctr = (imageId: string, running: boolean): ContainerInfo =>
  ({ id: 'c', name: `c-${imageId}`, imageId, image: '', state: running ? 'running' : 'exited', running, status: '', ports: '', labels: {} });

test('prune: newest per project, current, held by containers, bases of kept finals', () => {
  const images = classify([
    img('b1', ['localhost/ocx-base:aaa'], 9, { 'ocx.kind': 'base', 'ocx.source': 'default' }),
    img('b2', ['localhost/ocx-base:bbb'], 1, { 'ocx.kind': 'base', 'ocx.source': 'default' }),
    img('f1', ['localhost/ocx:1.0.0'], 0, { 'ocx.kind': 'final', 'ocx.base': 'localhost/ocx-base:aaa' }),
    img('f2', ['localhost/ocx:1.2.0', 'localhost/ocx:latest'], 2, { 'ocx.kind': 'final', 'ocx.base': 'localhost/ocx-base:bbb' }),
    img('f3', ['localhost/ocx:1.1.0'], 3, { 'ocx.kind': 'final' }),
    img('f4', ['localhost/ocx:0.9.0'], 4, { 'ocx.kind': 'final' }),
    img('p1', ['localhost/ocx-other:1.0.0'], 9, { 'ocx.kind': 'final' }),
    img('old', ['localhost/ocx-base-ruby:latest'], 30),
  ]);
  const plan = prunePlan(images, [ctr('f4', false)], ['localhost/ocx:1.1.0']);
  const why = Object.fromEntries(plan.map((d) => [d.image.ref, d.remove ? 'REMOVE' : d.reason]));
  expect(why).toEqual({
    'localhost/ocx:1.2.0': 'newest final image of localhost/ocx',
    'localhost/ocx:1.1.0': 'used by the current config',
    'localhost/ocx:0.9.0': 'used by container c-f4 (stopped)',
    'localhost/ocx:1.0.0': 'REMOVE',
    'localhost/ocx-other:1.0.0': 'newest final image of localhost/ocx-other',
    'localhost/ocx-base:bbb': 'newest base image of default',
    'localhost/ocx-base:aaa': 'REMOVE',
    'localhost/ocx-base-ruby:latest': 'newest base image of localhost/ocx-base-ruby',
  });
  const all = removeAllPlan(images, [ctr('b1', true)]);
  expect(all.filter((d) => !d.remove).map((d) => `${d.image.ref}: ${d.reason}`)).toEqual(['localhost/ocx-base:aaa: used by container c-b1 (running)']);
});

test('one image tagged for two projects is two entries', () => {
  const e = classify([img('x', ['localhost/ocx-a:1.0.0', 'localhost/ocx-b:1.0.0', 'localhost/ocx-a:latest'], 1, { 'ocx.kind': 'final' })]);
  expect(e.map((i) => [i.ref, i.tags])).toEqual([['localhost/ocx-a:1.0.0', ['localhost/ocx-a:1.0.0', 'localhost/ocx-a:latest']], ['localhost/ocx-b:1.0.0', ['localhost/ocx-b:1.0.0']]]);
});
