// Issue 9, item 6: the engine choice is explicit and said. A set DOCKER_HOST
// (or CONTAINER_HOST) picks that engine or fails with its reason; "auto" says
// which engine it chose when it is not Docker; an engine chosen by name that
// is missing is named.
import { expect, test } from 'bun:test';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from '../helpers/docker.ts';
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

test('"auto" picks rocker, and says so, when neither Docker nor Podman is there', () => {
  const sb = sandbox({ OCX_DOCKER_BIN: '/nonexistent/docker', OCX_PODMAN_BIN: '/nonexistent/podman', OCX_ROCKER_BIN: join(REPO, 'bin', 'rocker') }, false);
  const env: NodeJS.ProcessEnv = { ...sb.env, ROCKER_ROOT: join(sb.home, 'rocker-root'), ROCKER_RUNROOT: join(sb.home, 'rocker-run') };
  delete env.DOCKER_HOST;
  delete env.CONTAINER_HOST;
  const r = ocx(['image', 'list', '--json'], sb.project('autorocker'), env);
  expect(r).toEqual({ code: 0, stdout: '[]\n', stderr: expect.stringMatching(/^note: engine "auto" chose rocker \(.+\); set "engine": "rocker" in ocx\.json or OCX_ENGINE=rocker to choose it yourself\n$/) });
});

test('an explicitly chosen engine that is missing is named in one line', () => {
  for (const [engine, bin, hint] of [['podman', 'OCX_PODMAN_BIN', 'install Podman'], ['rocker', 'OCX_ROCKER_BIN', 'install rocker']] as const) {
    const sb = sandbox({ OCX_ENGINE: engine, [bin]: `/nonexistent/${engine}` }, false);
    const r = ocx(['image', 'list'], sb.project(`no${engine}`), sb.env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^ocx: no container engine: tried ${engine} \\(.*\\); ${hint}[^\\n]*\\n$`));
  }
});
