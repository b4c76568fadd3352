// Archives with podman (when installed: apt-get install podman): rocker save |
// podman load, and podman save (both formats) | rocker load, then run in rocker.
// podman runs with its own throw-away store (vfs driver) so nothing else is touched.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { busyboxTar, rocker, tempStore } from '../helpers/rocker.ts';
import { testUnless } from '../helpers/require.ts';

const hasPodman = spawnSync('sh', ['-c', 'command -v podman'], { stdio: 'ignore' }).status === 0;
const noPodman = hasPodman ? undefined : 'podman is not installed (apt-get install podman)';
const s = tempStore('rocker-podman-');
const { env, root } = s;
const pod = join(root, '..', 'podman');
const podman = (...args: string[]) => {
  const r = spawnSync('podman', ['--root', join(pod, 'root'), '--runroot', join(pod, 'run'), '--storage-driver', 'vfs', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status ?? 137, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
};
const ok = (r: { code: number; stdout: string; stderr: string }) => {
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}${r.stdout}`);
  return r;
};

beforeAll(() => {
  mkdirSync(pod, { recursive: true });
  ok(rocker(['import', busyboxTar(), 'pod/bb:1'], env));
});
afterAll(() => s.cleanup());

testUnless(noPodman)('rocker save | podman load: podman sees the image under its name', () => {
  const file = join(root, '..', 'to-podman.tar');
  ok(rocker(['save', '-o', file, 'pod/bb:1'], env));
  const r = ok(podman('load', '-i', file));
  // Docker's reference rules: a short name is Docker Hub's.
  expect(r.stdout).toContain('Loaded image: docker.io/pod/bb:1');
  const inspect = JSON.parse(ok(podman('image', 'inspect', 'docker.io/pod/bb:1')).stdout);
  expect(inspect[0].RootFS.Layers.length).toBe(1);
});

testUnless(noPodman)('podman save (OCI and docker archives) | rocker load, then run', () => {
  for (const format of ['oci-archive', 'docker-archive']) {
    const file = join(root, '..', `from-podman-${format}.tar`);
    ok(podman('save', '--format', format, '-o', file, 'docker.io/pod/bb:1'));
    ok(rocker(['rmi', '-f', 'pod/bb:1'], env));
    const r = ok(rocker(['load', '-i', file], env));
    expect(r.stdout).toBe('Loaded image: pod/bb:1\n');
    const run = rocker(['run', '--rm', '--network', 'none', 'pod/bb:1', '/bin/echo', format], env);
    expect(run.stdout).toBe(`${format}\n`);
  }
});
