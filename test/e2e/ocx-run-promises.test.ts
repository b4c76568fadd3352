// Issue 9, the session promises: read-only sessions start in and out of git,
// and OpenCode finds the host's config and data where ocx mounts them, also
// when the host user is root.
import { expect, test } from 'bun:test';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ocx, sandbox } from '../helpers/ocx.ts';

const sb = sandbox();
const LATEST = spawnSync('npm', ['view', 'opencode-linux-x64', 'version'], { encoding: 'utf8' }).stdout.trim();

/** `opencode debug paths` as a map: where OpenCode itself looks for its config, data and cache. */
function paths(dir: string, env: NodeJS.ProcessEnv): Record<string, string> {
  const r = ocx(['opencode', 'debug', 'paths'], dir, env);
  expect(r.stderr).not.toContain('EROFS');
  expect(r.code).toBe(0);
  return Object.fromEntries(r.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/) as [string, string]));
}

test('the image builds', () => {
  expect(ocx(['build'], sb.project('ro'), sb.env).code).toBe(0);
});

for (const mode of ['git', 'never', 'always'] as const) {
  test(`read_only works outside git with data_volumes_mode "${mode}"`, () => {
    const dir = sb.project(`ro-${mode}`, { network: 'host', read_only: true, data_volumes_mode: mode });
    const r = ocx(['opencode', '--version'], dir, sb.env);
    expect(r.stderr).not.toContain('EROFS');
    expect(r.stdout.trim()).toBe(LATEST);
    expect(r.code).toBe(0);
    // It can write its data and cache, not only print its version.
    expect(paths(dir, sb.env).data).toBe('/home/ocxuser/.local/share/opencode');
  });
}

test('read_only works inside git (data volumes mounted)', () => {
  const dir = sb.project('ro-git', { network: 'host', read_only: true });
  spawnSync('git', ['init', '-q', dir]);
  const r = ocx(['opencode', '--version'], dir, sb.env);
  expect(r.stdout.trim()).toBe(LATEST);
  expect(r.code).toBe(0);
});

test('as root on the host, OpenCode looks for its config and data where ocx mounts them', () => {
  const env = { ...sb.env, USER: 'root' };
  const dir = sb.project('rooted');
  mkdirSync(join(sb.home, '.config', 'opencode'), { recursive: true });
  writeFileSync(join(sb.home, '.config', 'opencode', 'marker'), 'from the host\n');
  const p = paths(dir, env);
  expect(p.home).toBe('/home/root');
  expect(p.config).toBe('/home/root/.config/opencode');
  expect(p.data).toBe('/home/root/.local/share/opencode');
  const seen = ocx(['opencode', 'debug', 'paths'], dir, { ...env, OCX_DRY_RUN: '1' });
  expect(JSON.parse(seen.stdout)).toContain(`${join(sb.home, '.config', 'opencode')}:/home/root/.config/opencode:rw`);
});

test('any host user name with uid 0 gets its own home, not /root', () => {
  expect(paths(sb.project('ro'), sb.env).home).toBe('/home/ocxuser');
});
