// The same flow on Podman, where it is installed. These machines have no
// Podman: the test is then skipped, and says so.
import { expect, test } from 'bun:test';
import { spawnSync } from 'node:child_process';
import { ocx, sandbox } from '../helpers/ocx.ts';

const hasPodman = spawnSync('podman', ['--version'], { stdio: 'ignore' }).status === 0;
if (!hasPodman) console.log('SKIP ocx-podman: podman is not installed (apt-get install podman to run these tests)');

test.skipIf(!hasPodman)('podman: build, then ocx opencode --version runs the real binary', () => {
  const sb = sandbox({ OCX_ENGINE: 'podman' }, false);
  const dir = sb.project('pod', { network: 'host' });
  const b = ocx(['build'], dir, sb.env);
  expect(b.code).toBe(0);
  const v = ocx(['opencode', '--version'], dir, sb.env);
  expect(v.code).toBe(0);
  expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  expect(ocx(['image', 'list', '--json'], dir, sb.env).stdout).toContain('localhost/ocx-base:');
});

test('an explicitly chosen engine that is missing is named in one line', () => {
  const sb = sandbox({ OCX_ENGINE: 'podman', OCX_PODMAN_BIN: '/nonexistent/podman' }, false);
  const r = ocx(['image', 'list'], sb.project('nopod'), sb.env);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/^ocx: no container engine: tried podman \(.*\); install Podman/);
});
