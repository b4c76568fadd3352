// Round trips with a real Docker engine through the real registry and through
// archives, each followed by running a command in the image.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { docker, dockerCli } from '../helpers/docker.ts';
import { ROCKER, busyboxTar, rocker, tempStore } from '../helpers/rocker.ts';
import { startRegistry, type TestRegistry } from '../helpers/registry.ts';

let reg: TestRegistry;
const s = tempStore('rocker-docker-');
const { env, root } = s;
const ok = (r: { code: number; stdout: string; stderr: string }) => {
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}${r.stdout}`);
  return r;
};
/** A shell pipeline with both engines on PATH and the test daemon and store in the environment. */
const sh = (script: string) => {
  const r = spawnSync('sh', ['-c', script], { env: { ...docker().env, ROCKER_ROOT: root, ROCKER_RUNROOT: env.ROCKER_RUNROOT, ROCKER: ROCKER }, encoding: 'utf8', timeout: 300_000 });
  return { code: r.status ?? 137, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
};
const dockerId = (ref: string) => ok(dockerCli(['image', 'inspect', '-f', '{{.Id}}', ref])).stdout.trim();
const rockerDigest = (ref: string) =>
  (JSON.parse(ok(rocker(['images', '--format', 'json'], env)).stdout) as Array<{ name: string; tag: string; digest: string }>).find((i) => `${i.name}:${i.tag}` === ref)?.digest;

beforeAll(async () => {
  reg = await startRegistry();
  docker();
  // A two-layer Docker image: busybox, then a container's changes (a new file, a deleted one).
  ok(sh(`docker import "${busyboxTar()}" rocker-test/bb:base >/dev/null`));
  dockerCli(['rm', '-f', 'rocker-test-commit']);
  ok(dockerCli(['run', '--network', 'none', '--name', 'rocker-test-commit', 'rocker-test/bb:base', '/bin/sh', '-c', 'echo from-docker > /hello && rm /etc/group']));
  ok(dockerCli(['commit', 'rocker-test-commit', 'rocker-test/bb:two']));
  dockerCli(['rm', '-f', 'rocker-test-commit']);
}, 600_000);

afterAll(async () => {
  for (const i of ['rocker-test/bb:base', 'rocker-test/bb:two', `${reg?.host}/dk/bb:two`, `${reg?.host}/rk/bb:1`, 'rocker-saved/bb:1']) dockerCli(['rmi', '-f', i]);
  await reg?.stop();
  s.cleanup();
});

const runInRocker = (image: string) => rocker(['run', '--rm', '--network', 'none', image, '/bin/sh', '-c', 'cat /hello; test -e /etc/group || echo group-gone'], env);

test('docker push to the registry, then rocker pull and run: same image id as Docker', () => {
  ok(dockerCli(['tag', 'rocker-test/bb:two', `${reg.host}/dk/bb:two`]));
  ok(dockerCli(['push', `${reg.host}/dk/bb:two`]));
  ok(rocker(['pull', `${reg.host}/dk/bb:two`], env));
  expect(rockerDigest(`${reg.host}/dk/bb:two`)).toBe(dockerId('rocker-test/bb:two'));
  const r = runInRocker(`${reg.host}/dk/bb:two`);
  expect(r.stdout).toBe('from-docker\ngroup-gone\n');
  expect(r.code).toBe(0);
});

test('rocker push, then docker pull and run', () => {
  ok(rocker(['tag', `${reg.host}/dk/bb:two`, `${reg.host}/rk/bb:1`], env));
  ok(rocker(['push', `${reg.host}/rk/bb:1`], env));
  dockerCli(['rmi', '-f', `${reg.host}/rk/bb:1`]);
  ok(dockerCli(['pull', `${reg.host}/rk/bb:1`]));
  const r = dockerCli(['run', '--rm', '--network', 'none', `${reg.host}/rk/bb:1`, '/bin/sh', '-c', 'cat /hello; test -e /etc/group || echo group-gone']);
  expect(r.stdout).toBe('from-docker\ngroup-gone\n');
  // Pushed byte for byte: Docker sees the id it started with.
  expect(dockerId(`${reg.host}/rk/bb:1`)).toBe(dockerId('rocker-test/bb:two'));
});

test('docker save | rocker load, then run', () => {
  ok(rocker(['rmi', '-f', `${reg.host}/dk/bb:two`, `${reg.host}/rk/bb:1`], env));
  const r = ok(sh('docker save rocker-test/bb:two | "$ROCKER" load'));
  expect(r.stdout).toBe('Loaded image: rocker-test/bb:two\n');
  expect(rockerDigest('rocker-test/bb:two')).toBe(dockerId('rocker-test/bb:two'));
  const run = runInRocker('rocker-test/bb:two');
  expect(run.stdout).toBe('from-docker\ngroup-gone\n');
});

test('rocker save | docker load, then run (an imported image too)', () => {
  ok(rocker(['tag', 'rocker-test/bb:two', 'rocker-saved/bb:1'], env));
  ok(rocker(['import', busyboxTar(), 'rocker-saved/plain:1'], env));
  dockerCli(['rmi', '-f', 'rocker-saved/bb:1', 'rocker-saved/plain:1']);
  const r = ok(sh('"$ROCKER" save rocker-saved/bb:1 rocker-saved/plain:1 | docker load'));
  expect(r.stdout).toContain('Loaded image: rocker-saved/bb:1');
  expect(r.stdout).toContain('Loaded image: rocker-saved/plain:1');
  expect(dockerId('rocker-saved/bb:1')).toBe(dockerId('rocker-test/bb:two'));
  const run = dockerCli(['run', '--rm', '--network', 'none', 'rocker-saved/bb:1', '/bin/sh', '-c', 'cat /hello; test -e /etc/group || echo group-gone']);
  expect(run.stdout).toBe('from-docker\ngroup-gone\n');
  expect(dockerCli(['run', '--rm', '--network', 'none', 'rocker-saved/plain:1', '/bin/echo', 'plain']).stdout).toBe('plain\n');
  // Written to a file with -o as well, and loadable back into rocker from it.
  const file = join(root, '..', 'saved.tar');
  ok(rocker(['save', '-o', file, 'rocker-saved/bb:1'], env));
  ok(rocker(['rmi', 'rocker-saved/bb:1', 'rocker-test/bb:two'], env));
  expect(ok(rocker(['load', '-i', file], env)).stdout).toBe('Loaded image: rocker-saved/bb:1\n');
});
