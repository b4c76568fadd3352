// Issue 9's image and session promises on Podman, where it is installed:
// read-only sessions and HOME, a rebuilt base making the final stale,
// superseded images pruned, a failed build leaving nothing behind.
import { afterAll, expect, test } from 'bun:test';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { REPO, TEST_CACHE } from '../helpers/docker.ts';
import { ocx, sandbox } from '../helpers/ocx.ts';

const hasPodman = spawnSync('podman', ['--version'], { stdio: 'ignore' }).status === 0;
if (!hasPodman) console.log('SKIP ocx-podman-promises: podman is not installed');
const podman = (args: string[]) => spawnSync('podman', args, { encoding: 'utf8' });
const lines = (s: string) => s.split('\n').filter(Boolean).sort();
const sb = sandbox({ OCX_ENGINE: 'podman' }, false);
const dir = sb.project('podpromise', { network: 'host', custom_base_dockerfile: 'Dockerfile' });
const stamp = (extra = '') => writeFileSync(join(dir, 'Dockerfile'), `FROM docker.io/library/debian:bookworm-slim\nRUN date +%s%N > /etc/stamp${extra}\n`);

afterAll(() => {
  if (hasPodman) ocx(['image', 'remove-all'], dir, sb.env);
});

test.skipIf(!hasPodman)('podman: read-only session outside git, HOME where the mounts are', () => {
  if (podman(['image', 'exists', 'docker.io/library/debian:bookworm-slim']).status !== 0) {
    const tar = join(TEST_CACHE, 'debian-bookworm-minbase.tar');
    expect(spawnSync(join(REPO, 'scripts', 'fixtures', 'debian-bookworm-tar.sh'), [tar], { stdio: 'inherit' }).status).toBe(0);
    expect(podman(['import', tar, 'docker.io/library/debian:bookworm-slim']).status).toBe(0);
  }
  stamp();
  expect(ocx(['build'], dir, sb.env).code).toBe(0);
  const r = ocx(['opencode', 'debug', 'paths'], dir, { ...sb.env, OCX_READ_ONLY: 'true' });
  expect(r.stderr).not.toContain('EROFS');
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^home +\/home\/ocxuser$/m);
  expect(r.stdout).toMatch(/^data +\/home\/ocxuser\/\.local\/share\/opencode$/m);
});

test.skipIf(!hasPodman)('podman: a rebuilt base makes the final stale; the superseded final is listed and pruned', () => {
  expect(ocx(['build', '--base', '--force', '--no-cache'], dir, sb.env).code).toBe(0);
  const r = ocx(['build'], dir, sb.env);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^Built localhost\/ocx-podpromise:/m);
  const listed = JSON.parse(ocx(['image', 'list', '--json'], dir, sb.env).stdout) as Array<{ superseded: boolean; kind: string }>;
  expect(listed.filter((i) => i.superseded).map((i) => i.kind)).toContain('final');
  const p = ocx(['image', 'prune'], dir, sb.env);
  expect(p.code).toBe(0);
  expect(p.stdout).toContain(': superseded by a newer build');
  expect(lines(podman(['images', '-q', '--filter', 'dangling=true', '--filter', 'label=ocx.kind']).stdout)).toEqual([]);
});

test.skipIf(!hasPodman)('podman: a failed build names its step and leaves no container or dangling image', () => {
  stamp('\nRUN echo two > /two && exit 3');
  const containers = () => lines(podman(['ps', '-a', '--external', '-q']).stdout);
  const dangling = () => lines(podman(['images', '-q', '--filter', 'dangling=true']).stdout);
  const [cs, ds] = [containers(), dangling()];
  const r = ocx(['build'], dir, sb.env);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/failed at step \d+ "RUN echo two > \/two && exit 3" \(exit code 3\); the log is above; a custom base needs /);
  expect(containers()).toEqual(cs);
  expect(dangling()).toEqual(ds);
});
