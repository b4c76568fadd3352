// The seed's "Common Workflows" and "Shared Base Images", walked as a user
// would type them (docs/ocx.md: Images), on a real dockerd.
import { expect, test } from 'bun:test';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEBIAN, engineCli } from '../helpers/ocx-engine.ts';
import { ocx, sandbox } from '../helpers/ocx.ts';

const sb = sandbox();
const LATEST = spawnSync('npm', ['view', 'opencode-linux-x64', 'version'], { encoding: 'utf8' }).stdout.trim();
const app = sb.project('seedapp');
const run = (args: string[], dir = app, env = sb.env) => {
  const r = ocx(args, dir, env);
  if (r.code !== 0) throw new Error(`ocx ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r;
};
const exists = (ref: string) => engineCli(['image', 'inspect', ref]).code === 0;
const SUMMARY = /^Removed \d+ images? \(\d+(\.\d+)? [kMG]?B\), kept \d+\.$/m;

test('1. Fresh start: stop, remove-all, then ocx opencode builds and runs', () => {
  expect(run(['stop']).stdout).toMatch(/^ocx-seedapp-\d+ is not running\n$/);
  expect(run(['image', 'remove-all']).stdout).toMatch(SUMMARY);
  const v = run(['opencode', '--version']);
  expect(v.stdout.trim()).toBe(LATEST);
  expect(v.stderr).toContain('Building final image');
});

test('2. Switch base images: new Dockerfile, build --base --force, run, prune', () => {
  mkdirSync(join(app, 'docker', 'new-base'), { recursive: true });
  writeFileSync(join(app, 'docker', 'new-base', 'Dockerfile'), `FROM ${DEBIAN}\nRUN echo switched > /etc/switched\n`);
  writeFileSync(join(app, 'ocx.json'), JSON.stringify({ network: 'host', custom_base_dockerfile: 'docker/new-base/Dockerfile' }));
  expect(run(['build', '--base', '--force']).stderr).toMatch(/^Building base image localhost\/ocx-base:([0-9a-f]{12}) \(localhost\/ocx-base-seedapp-docker-new-base:\1, from /m);
  expect(run(['opencode', '--version']).stdout.trim()).toBe(LATEST);
  const final = `localhost/ocx-seedapp-docker-new-base:${LATEST}`;
  expect(engineCli(['run', '--rm', '--network', 'none', final, 'cat', '/etc/switched']).stdout).toBe('switched\n');
  const pruned = run(['image', 'prune']);
  expect(pruned.stdout).toContain(`kept ${final}: used by the current config`);
  expect(pruned.stdout).toMatch(SUMMARY);
  expect(exists(final)).toBe(true);
});

test('list: the seed\'s sections, bases by readable name, age and size', () => {
  const out = run(['image', 'list']).stdout;
  expect(out).toMatch(/^Base Images:\n(  \S+.* +(just now|\d+ \w+ ago) +\d+(\.\d)? [kMG]?B\n)+\nFinal Images:\n(  \S+.* +(just now|\d+ \w+ ago) +\d+(\.\d)? [kMG]?B\n)+$/);
  expect(out).toMatch(/^ {2}localhost\/ocx-base-seedapp-docker-new-base:[0-9a-f]{12} /m);
  expect(run(['image', 'list', '--base']).stdout).not.toContain('Final Images:');
  expect(run(['image', 'list', '--final']).stdout).not.toContain('Base Images:');
  const json = JSON.parse(run(['image', 'list', '--base', '--json']).stdout) as Array<{ kind: string }>;
  expect(json.every((i) => i.kind === 'base')).toBe(true);
});

test('3. Reclaim disk space: stop, prune', () => {
  run(['stop']);
  expect(run(['image', 'prune']).stdout).toMatch(SUMMARY);
});

test('4. Debug image issues: remove-all then build --force; or base and final apart', () => {
  run(['image', 'remove-all']);
  const f = run(['build', '--force']);
  expect(f.stderr).toContain('Building base image');
  expect(f.stdout).toContain(`Built localhost/ocx-seedapp-docker-new-base:${LATEST}`);
  expect(run(['build', '--base', '--force']).stderr).toContain('Building base image');
  expect(run(['build', '--force']).stdout).toContain('Built ');
  expect(run(['opencode', '--version']).stdout.trim()).toBe(LATEST);
});

test('5. Team synchronization: a pinned version via the environment', () => {
  const versions = JSON.parse(spawnSync('npm', ['view', 'opencode-linux-x64', 'versions', '--json'], { encoding: 'utf8' }).stdout) as string[];
  const stable = versions.filter((v) => /^\d+\.\d+\.\d+$/.test(v));
  const pinned = stable[stable.indexOf(LATEST) - 1]!;
  const env = { ...sb.env, OCX_OPENCODE_VERSION: pinned };
  // The seed: `ocx config | grep opencode_version`.
  const line = run(['config'], app, env).stdout.split('\n').find((l) => l.startsWith('opencode_version'));
  expect(line).toMatch(new RegExp(`^opencode_version +${pinned.replaceAll('.', '\\.')}$`));
  expect(run(['opencode', '--version'], app, env).stdout.trim()).toBe(pinned);
});

test('Shared base images: a second project with the same Dockerfile reuses the base', () => {
  const dockerfile = `FROM ${DEBIAN}\nRUN echo shared > /etc/shared\n`;
  const setup = (name: string) => {
    const dir = sb.project(name, { network: 'host', custom_base_dockerfile: 'docker/Dockerfile' });
    mkdirSync(join(dir, 'docker'), { recursive: true });
    writeFileSync(join(dir, 'docker', 'Dockerfile'), dockerfile);
    return dir;
  };
  const a = setup('project-a');
  const b = setup('project-b');
  expect(run(['build', '--base'], a).stderr).toContain('Building base image');
  const second = run(['build', '--base'], b);
  expect(second.stderr).not.toContain('Building');
  expect(second.stdout).toMatch(/^Base image localhost\/ocx-base:[0-9a-f]{12} is up to date\n$/);
  const bases = JSON.parse(run(['image', 'list', '--base', '--json'], b).stdout) as Array<{ tags: string[] }>;
  const shared = bases.find((i) => i.tags.some((t) => t.startsWith('localhost/ocx-base-project-a-docker:')));
  expect(shared?.tags.some((t) => t.startsWith('localhost/ocx-base-project-b-docker:'))).toBe(true);
});
