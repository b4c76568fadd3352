// image prune and remove-all against the real engine: what goes, what stays
// and why, and that an image a container uses (even a stopped one) is never removed.
import { afterAll, expect, test } from 'bun:test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEBIAN, engineCli } from '../helpers/ocx-engine.ts';
import { OPENCODE, ocx, sandbox } from '../helpers/ocx.ts';

const sb = sandbox();
const { LATEST, OLD } = OPENCODE;
const dir = sb.project('delta');
const inventory = () => (JSON.parse(ocx(['image', 'list', '--json'], dir, sb.env).stdout) as Array<{ ref: string; id: string }>).map((i) => `${i.ref} ${i.id}`);
const exists = (ref: string) => engineCli(['image', 'inspect', ref]).code === 0;
const holders: string[] = [];
const hold = (ref: string) => {
  const name = `ocx-e2e-holder-${holders.length}-${process.pid}`;
  expect(engineCli(['create', '--name', name, ref, 'true']).code).toBe(0);
  holders.push(name);
  return name;
};

afterAll(() => {
  for (const h of holders) engineCli(['rm', '-f', h]);
});

test('two versions of the same project are built', () => {
  expect(OLD).toMatch(/^\d+\.\d+\.\d+$/);
  expect(ocx(['build'], dir, { ...sb.env, OCX_OPENCODE_VERSION: OLD }).code).toBe(0);
  expect(ocx(['build'], dir, sb.env).code).toBe(0);
  expect(exists(`localhost/ocx:${OLD}`)).toBe(true);
  expect(exists(`localhost/ocx:${LATEST}`)).toBe(true);
});

test('prune keeps an old image that a stopped container uses, and says why', () => {
  const holder = hold(`localhost/ocx:${OLD}`);
  try {
    const before = inventory();
    const dry = ocx(['image', 'prune', '--dry-run'], dir, sb.env);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(`kept localhost/ocx:${OLD}: used by container ${holder} (stopped)`);
    expect(dry.stdout).toMatch(new RegExp(`kept localhost/ocx:${LATEST.replaceAll('.', '\\.')}: (newest final image of localhost/ocx|used by the current config)`));
    expect(inventory()).toEqual(before);
    const real = ocx(['image', 'prune'], dir, sb.env);
    expect(real.code).toBe(0);
    expect(exists(`localhost/ocx:${OLD}`)).toBe(true);
  } finally {
    engineCli(['rm', holder]);
  }
});

test('prune keeps what the current config uses, even when older', () => {
  const r = ocx(['image', 'prune', '--dry-run'], dir, { ...sb.env, OCX_OPENCODE_VERSION: OLD });
  expect(r.stdout).toContain(`kept localhost/ocx:${OLD}: used by the current config`);
});

test('prune --dry-run changes nothing; prune removes the old version and keeps the newest and its base', () => {
  const before = inventory();
  const dry = ocx(['image', 'prune', '--dry-run'], dir, sb.env);
  expect(dry.stdout).toContain(`would remove localhost/ocx:${OLD}`);
  expect(inventory()).toEqual(before);
  const r = ocx(['image', 'prune'], dir, sb.env);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain(`removed localhost/ocx:${OLD}`);
  expect(r.stdout).toMatch(/kept localhost\/ocx-base:\w+: (newest base image of default|base of kept localhost\/ocx:\S+|used by the current config)/);
  expect(exists(`localhost/ocx:${OLD}`)).toBe(false);
  expect(exists(`localhost/ocx:${LATEST}`)).toBe(true);
  expect(ocx(['opencode', '--version'], dir, sb.env).stdout.trim()).toBe(LATEST);
});

test('remove-all removes every ocx image no container uses, and keeps the used ones with the reason', () => {
  // A project of its own to remove; the shared default images are held by containers,
  // which is the rule under test (and keeps them for the other test files).
  const zeta = sb.project('zeta', { network: 'host', custom_base_dockerfile: 'Dockerfile.base' });
  writeFileSync(join(zeta, 'Dockerfile.base'), `FROM ${DEBIAN}\nRUN echo zeta-${process.pid} > /etc/zeta\n`);
  expect(ocx(['build'], zeta, sb.env).code).toBe(0);
  const list = JSON.parse(ocx(['image', 'list', '--json'], zeta, sb.env).stdout) as Array<{ ref: string; kind: string; labels: Record<string, string> }>;
  const zetaFinal = `localhost/ocx-zeta:${LATEST}`;
  const zetaBase = list.find((i) => i.ref === zetaFinal)!.labels['ocx.base']!;
  const keep = list.filter((i) => i.ref !== zetaFinal && i.ref !== zetaBase);
  const held = new Map(keep.map((i) => [i.ref, hold(i.ref)]));

  const dry = ocx(['image', 'remove-all', '--dry-run'], zeta, sb.env);
  expect(dry.stdout).toContain(`would remove localhost/ocx-zeta:${LATEST}, localhost/ocx-zeta:latest`);
  expect(exists(zetaFinal)).toBe(true);

  const r = ocx(['image', 'remove-all'], zeta, sb.env);
  expect(r.code).toBe(0);
  for (const [ref, holder] of held) expect(r.stdout).toContain(`kept ${ref}: used by container ${holder} (stopped)`);
  expect(exists(zetaFinal)).toBe(false);
  expect(exists(zetaBase)).toBe(false);
  for (const ref of held.keys()) expect(exists(ref)).toBe(true);
});

test('image commands reject unknown subcommands in one line', () => {
  const r = ocx(['image', 'frob'], dir, sb.env);
  expect(r.code).toBe(1);
  expect(r.stderr).toBe('ocx: unknown image command "frob" (list, prune, remove-all)\n');
});
