// The same flow on Podman, where it is installed. These machines have no
// Podman: the test is then skipped, with the reason in its name (in CI it fails).
import { expect, test } from 'bun:test';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO, TEST_CACHE } from '../helpers/docker.ts';
import { ocx, sandbox } from '../helpers/ocx.ts';
import { testUnless } from '../helpers/require.ts';

const hasPodman = spawnSync('podman', ['--version'], { stdio: 'ignore' }).status === 0;
const noPodman = hasPodman ? undefined : 'podman is not installed (apt-get install podman)';

/** debian:bookworm-slim in Podman's storage, from the same debootstrap tarball (no Docker Hub here). */
function podmanDebian(): void {
  if (spawnSync('podman', ['image', 'exists', 'docker.io/library/debian:bookworm-slim']).status === 0) return;
  const tar = join(TEST_CACHE, 'debian-bookworm-minbase.tar');
  expect(spawnSync(join(REPO, 'scripts', 'fixtures', 'debian-bookworm-tar.sh'), [tar], { stdio: 'inherit' }).status).toBe(0);
  expect(spawnSync('podman', ['import', tar, 'docker.io/library/debian:bookworm-slim'], { stdio: 'ignore' }).status).toBe(0);
}

testUnless(noPodman)('podman: build, then ocx opencode --version runs the real binary; remove-all cleans up', () => {
  podmanDebian();
  const sb = sandbox({ OCX_ENGINE: 'podman' }, false);
  const dir = sb.project('pod', { network: 'host' });
  const b = ocx(['build'], dir, sb.env);
  expect(b.code).toBe(0);
  const v = ocx(['opencode', '--version'], dir, sb.env);
  expect(v.stderr).toBe('');
  expect(v.code).toBe(0);
  expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  expect(ocx(['opencode', '--no-such-flag'], dir, sb.env).code).toBe(1);
  expect(ocx(['image', 'list', '--json'], dir, sb.env).stdout).toContain('localhost/ocx-base:');
  expect(ocx(['build'], dir, sb.env).stdout).toContain('is up to date');
  const rm = ocx(['image', 'remove-all'], dir, sb.env);
  expect(rm.code).toBe(0);
  expect(ocx(['image', 'list', '--json'], dir, sb.env).stdout.trim()).toBe('[]');
});

test('an explicitly chosen engine that is missing is named in one line', () => {
  const sb = sandbox({ OCX_ENGINE: 'podman', OCX_PODMAN_BIN: '/nonexistent/podman' }, false);
  const r = ocx(['image', 'list'], sb.project('nopod'), sb.env);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/^ocx: no container engine: tried podman \(.*\); install Podman/);
});
