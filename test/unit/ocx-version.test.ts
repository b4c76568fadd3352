import { afterAll, beforeAll, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readVersionCache, resolveVersion, writeVersionCache } from '../../src/ocx/opencode/resolve.ts';
import type { Source } from '../../src/ocx/opencode/sources.ts';
import { compareVersions, newest, normalizeVersion, opencodeArch, parseVersion } from '../../src/ocx/opencode/version.ts';

let home = '';
const savedHome = process.env.HOME;
beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'ocx-ver-'));
  process.env.HOME = home;
});
afterAll(() => {
  process.env.HOME = savedHome;
  rmSync(home, { recursive: true, force: true });
});

test('parsing and ordering', () => {
  expect(normalizeVersion('v1.2.3')).toBe('1.2.3');
  expect(normalizeVersion('latest')).toBe('latest');
  expect(parseVersion('1.2.3-beta.1')).toEqual([1, 2, 3, 'beta.1']);
  expect(parseVersion('1.2')).toBeUndefined();
  expect(compareVersions('1.10.0', '1.9.9')).toBeGreaterThan(0);
  expect(compareVersions('1.2.3-rc.1', '1.2.3')).toBeLessThan(0);
  expect(newest(['1.1.9', 'latest', '1.1.10', '0.9.0'])).toBe('1.1.10');
  expect(opencodeArch('x64')).toBe('x64');
  expect(() => opencodeArch('ia32')).toThrow(/x64 and arm64 only/);
});

const src = (latest: () => Promise<string>): Source & { calls: number } => {
  const s = { name: 'fake', calls: 0, latest: async () => { s.calls++; return latest(); }, fetch: async () => { throw new Error('no'); } };
  return s;
};

test('"latest" is cached for 24 hours: the second resolve makes no call', async () => {
  const s = src(async () => 'v2.0.0');
  expect(await resolveVersion('latest', [s], async () => [])).toEqual({ version: '2.0.0', how: 'online' });
  expect(await resolveVersion('latest', [s], async () => [])).toEqual({ version: '2.0.0', how: 'cache' });
  expect(s.calls).toBe(1);
  expect(readVersionCache(Date.now() + 23 * 3600_000)).toBe('2.0.0');
  expect(readVersionCache(Date.now() + 25 * 3600_000)).toBeUndefined();
});

test('pinned versions need no lookup', async () => {
  const s = src(async () => '9.9.9');
  expect(await resolveVersion('v1.2.3', [s], async () => [])).toEqual({ version: '1.2.3', how: 'pinned' });
  expect(s.calls).toBe(0);
});

test('offline: the newest local version, else a clear error', async () => {
  writeVersionCache('1.0.0', 'x', Date.now() - 2 * 86400_000);
  const down = src(async () => { throw new Error('ECONNREFUSED'); });
  expect(await resolveVersion('latest', [down], async () => ['1.0.0', '1.2.0', '1.1.5'])).toEqual({ version: '1.2.0', how: 'local-fallback' });
  await expect(resolveVersion('latest', [down], async () => [])).rejects.toThrow(/cannot resolve opencode_version "latest".*fake: ECONNREFUSED/);
});

test('the first source that answers wins', async () => {
  const down = src(async () => { throw new Error('rate limited'); });
  const up = src(async () => '3.1.4');
  expect((await resolveVersion('latest', [down, up], async () => [], { refresh: true })).version).toBe('3.1.4');
});
