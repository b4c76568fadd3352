// Issue 9, the image promises: bookkeeping by image id (a rebuilt base makes
// the final stale), superseded images listed, pruned and removed, reported
// sizes that are the space actually freed, and prune keeping every known
// project's pinned version.
import { expect, test } from 'bun:test';
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEBIAN, engineCli, imageDiskUsage, KEEPS_SUPERSEDED } from '../helpers/ocx-engine.ts';
import { ocx, sandbox } from '../helpers/ocx.ts';

const sb = sandbox();
const versions = JSON.parse(spawnSync('npm', ['view', 'opencode-linux-x64', 'versions', '--json'], { encoding: 'utf8' }).stdout) as string[];
const LATEST = spawnSync('npm', ['view', 'opencode-linux-x64', 'version'], { encoding: 'utf8' }).stdout.trim();
const stable = versions.filter((v) => /^\d+\.\d+\.\d+$/.test(v));
const OLD = stable[stable.indexOf(LATEST) - 1]!;

interface Listed { kind: string; ref: string; id: string; superseded?: boolean; labels: Record<string, string> }
const listed = (dir: string): Listed[] => JSON.parse(ocx(['image', 'list', '--json'], dir, sb.env).stdout);
const exists = (ref: string) => engineCli(['image', 'inspect', ref]).code === 0;
/** Untagged images that carry ocx's labels: what no listing showed before. */
const untaggedOcx = () => engineCli(['images', '-q', '--filter', 'dangling=true', '--filter', 'label=ocx.kind']).stdout.split('\n').filter(Boolean);

const UNITS: Record<string, number> = { B: 1, kB: 1e3, KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12 };
const bytes = (s: string) => {
  const m = /^([\d.]+)\s*([kKMGT]?B)$/.exec(s.trim());
  if (!m) throw new Error(`not a size: ${s}`);
  return Number(m[1]) * UNITS[m[2]!]!;
};
const imageDisk = imageDiskUsage;

const rebase = sb.project('rebase', { network: 'host', custom_base_dockerfile: 'Dockerfile.base' });
const FINAL = `localhost/ocx-rebase:${LATEST}`;
const stampBase = (edit = '') => writeFileSync(join(rebase, 'Dockerfile.base'), `FROM ${DEBIAN}\nRUN date +%s%N > /etc/stamp${edit}\n`);
const baseRef = () => listed(rebase).find((i) => i.kind === 'base' && !i.superseded && i.labels['ocx.source'] === join(rebase, 'Dockerfile.base'))!.ref;
const stampOf = (ref: string) => engineCli(['run', '--rm', '--network', 'none', ref, 'cat', '/etc/stamp']).stdout;

test('a rebuilt base makes the final stale: the next build rebuilds it on the new base', () => {
  stampBase();
  expect(ocx(['build'], rebase, sb.env).code).toBe(0);
  const f = ocx(['build', '--base', '--force', '--no-cache'], rebase, sb.env);
  expect(f.code).toBe(0);
  const r = ocx(['build'], rebase, sb.env);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain(`Built ${FINAL}`);
  expect(stampOf(FINAL)).toBe(stampOf(baseRef()));
  expect(ocx(['build'], rebase, sb.env).stdout).toContain(`Final image ${FINAL} is up to date`);
});

test.skipIf(!KEEPS_SUPERSEDED)('the superseded final is listed as such; prune removes it and leaves no untagged ocx image', () => {
  expect(untaggedOcx().length).toBeGreaterThan(0);
  const sup = listed(rebase).filter((i) => i.superseded);
  expect(sup.map((i) => i.kind)).toContain('final');
  expect(ocx(['image', 'list'], rebase, sb.env).stdout).toMatch(new RegExp(`  ${FINAL.replaceAll('.', '\\.')} \\(superseded [0-9a-f]{12}\\) `));
  const r = ocx(['image', 'prune'], rebase, sb.env);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain(': superseded by a newer build');
  expect(listed(rebase).filter((i) => i.superseded)).toEqual([]);
  expect(untaggedOcx()).toEqual([]);
  expect(exists(FINAL)).toBe(true);
});

test('prune in one project keeps another project\'s pinned version and the :latest tag, and says why', () => {
  const a = sb.project('proj-a');
  const b = sb.project('proj-b', { network: 'host', opencode_version: OLD });
  expect(ocx(['build'], a, sb.env).code).toBe(0);
  // b builds last: :latest is its pinned image now.
  expect(ocx(['build'], b, sb.env).code).toBe(0);
  const r = ocx(['image', 'prune'], a, sb.env);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain(`kept localhost/ocx:${OLD}: pinned by project ${b}`);
  expect(exists(`localhost/ocx:${OLD}`)).toBe(true);
  expect(exists('localhost/ocx:latest')).toBe(true);
  expect(exists(`localhost/ocx:${LATEST}`)).toBe(true);
  // A project whose directory is gone is forgotten.
  rmSync(b, { recursive: true });
  expect(ocx(['image', 'prune'], a, sb.env).stdout).toContain(`removed localhost/ocx:${OLD}`);
});

test('remove-all leaves no ocx image on disk and reports the space it actually freed', () => {
  // A superseded final again, and a base under a final: the sum of image sizes counts shared layers twice.
  stampBase(' # edited');
  expect(ocx(['build'], rebase, sb.env).code).toBe(0);
  expect(untaggedOcx().length > 0).toBe(KEEPS_SUPERSEDED);
  const before = imageDisk();
  const r = ocx(['image', 'remove-all'], rebase, sb.env);
  const freed = before - imageDisk();
  expect(r.code).toBe(0);
  expect(engineCli(['images', '-a', '-q', '--filter', 'label=ocx.kind']).stdout.trim()).toBe('');
  const m = /^Removed \d+ images \((.+)\), kept 0\.$/m.exec(r.stdout);
  expect(m).not.toBeNull();
  // Equal up to the precision shown ("1.9 GB" is 1.85-1.95 GB).
  const decimals = /\.(\d+)/.exec(m![1]!)?.[1]?.length ?? 0;
  const step = bytes(m![1]!.replace(/[\d.]+/, '1')) / 10 ** decimals;
  expect(Math.abs(bytes(m![1]!) - freed)).toBeLessThanOrEqual(step / 2 + freed * 0.005);
});
