// Issue 9, item 6: the engine choice is explicit and said. A set DOCKER_HOST
// (or CONTAINER_HOST) picks that engine or fails with its reason; "auto" says
// which engine it chose when it is not Docker.
import { expect, test } from 'bun:test';
import { spawnSync } from 'node:child_process';
import { ocx, sandbox } from '../helpers/ocx.ts';

const hasPodman = spawnSync('podman', ['--version'], { stdio: 'ignore' }).status === 0;
const DEAD = `unix:///var/tmp/ocx-no-daemon-${process.pid}/docker.sock`;

test('a DOCKER_HOST that does not answer fails naming it, and never falls back to Podman', () => {
  const sb = sandbox({}, false);
  const env: NodeJS.ProcessEnv = { ...sb.env, DOCKER_HOST: DEAD };
  delete env.CONTAINER_HOST;
  const r = ocx(['image', 'list'], sb.project('deadhost'), env);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(new RegExp(`^ocx: the Docker daemon at ${DEAD.replaceAll('/', '\\/')} is not answering \\(tried: docker\\)`));
  expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
});

test.skipIf(!hasPodman)('a CONTAINER_HOST picks Podman, and fails naming it when it does not answer', () => {
  const sb = sandbox({}, false);
  const env: NodeJS.ProcessEnv = { ...sb.env, CONTAINER_HOST: DEAD.replace('docker.sock', 'podman.sock') };
  delete env.DOCKER_HOST;
  const r = ocx(['image', 'list'], sb.project('deadpod'), env);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/^ocx: Podman .*CONTAINER_HOST/);
});

test.skipIf(!hasPodman)('"auto" says so when it picks Podman', () => {
  const sb = sandbox({ OCX_DOCKER_BIN: '/nonexistent/docker' }, false);
  const env = { ...sb.env };
  delete env.DOCKER_HOST;
  delete env.CONTAINER_HOST;
  const r = ocx(['image', 'list', '--json'], sb.project('autopod'), env);
  expect(r.code).toBe(0);
  expect(r.stderr).toMatch(/^note: engine "auto" chose Podman \(.+\); set "engine": "podman" in ocx\.json or OCX_ENGINE=podman to choose it yourself\n$/);
});
