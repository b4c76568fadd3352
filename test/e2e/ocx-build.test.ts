// Builds against the real engine: fresh, no-op, automatic base rebuilds on a
// changed custom Dockerfile, a base shared by two projects, the real OpenCode
// binary from npm, and "latest" resolved offline.
import { expect, test } from 'bun:test';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEBIAN, engineCli } from '../helpers/ocx-engine.ts';
import { OCX, OPENCODE, ocx, sandbox } from '../helpers/ocx.ts';

const sb = sandbox();
const { LATEST } = OPENCODE;

interface Listed { kind: string; ref: string; id: string; tags: string[]; labels: Record<string, string> }
const images = (dir: string): Listed[] => JSON.parse(ocx(['image', 'list', '--json'], dir, sb.env).stdout);

test('the npm registry the tests see has the pinned OpenCode as latest', () => {
  const r = spawnSync('npm', ['view', 'opencode-linux-x64', 'version'], { env: sb.env, encoding: 'utf8' });
  expect(r.stdout.trim()).toBe(LATEST);
});

test('fresh build: a hash-tagged base and localhost/ocx:<latest>', () => {
  const dir = sb.project('alpha');
  // Other test files may have built already (their order is not fixed): start from nothing.
  expect(ocx(['image', 'remove-all'], dir, sb.env).code).toBe(0);
  expect(images(dir)).toEqual([]);
  const r = ocx(['build'], dir, sb.env);
  expect(r.stderr).toContain('Building base image localhost/ocx-base:');
  expect(r.code).toBe(0);
  expect(r.stdout).toContain(`Built localhost/ocx:${LATEST}`);
  const list = images(dir);
  const base = list.find((i) => i.kind === 'base' && i.labels['ocx.source'] === 'default');
  expect(base?.ref).toMatch(/^localhost\/ocx-base:[0-9a-f]{12}$/);
  const final = list.find((i) => i.ref === `localhost/ocx:${LATEST}`);
  expect(final?.kind).toBe('final');
  expect(final?.tags).toContain('localhost/ocx:latest');
  expect(final?.labels['ocx.base']).toBe(base!.ref);
  const human = ocx(['image', 'list'], dir, sb.env).stdout;
  expect(human).toMatch(new RegExp(`^Base Images:\\n  localhost/ocx-base:[0-9a-f]{12} +(just now|\\d+ \\w+ ago) +\\d+(\\.\\d)? MB\\n`, 'm'));
  expect(human).toMatch(new RegExp(`Final Images:\\n(.*\\n)*  localhost/ocx:${LATEST.replaceAll('.', '\\.')} \\(latest\\) +(just now|\\d+ \\w+ ago) +\\d+(\\.\\d)? MB`));
  expect(ocx(['image', 'list', '--base'], dir, sb.env).stdout).not.toContain('Final Images');
});

test('a second build is a no-op: both images up to date and unchanged', () => {
  const dir = sb.project('alpha');
  const ids = () => images(dir).map((i) => `${i.ref} ${i.id}`).sort();
  const before = ids();
  const base = images(dir).find((i) => i.kind === 'base' && i.labels['ocx.source'] === 'default')!.ref;
  const r = ocx(['build'], dir, sb.env);
  expect(r).toEqual({ code: 0, stdout: `Base image ${base} is up to date\nFinal image localhost/ocx:${LATEST} is up to date\n`, stderr: '' });
  expect(ids()).toEqual(before);
});

test('ocx opencode runs the real binary without a terminal and passes its exit code on', () => {
  const dir = sb.project('alpha');
  const v = ocx(['opencode', '--version'], dir, sb.env);
  expect(v.stderr).toBe('');
  expect(v.stdout.trim()).toBe(LATEST);
  expect(v.code).toBe(0);
  expect(ocx(['o', '--version'], dir, sb.env).stdout.trim()).toBe(LATEST);
  const bad = ocx(['opencode', '--no-such-flag'], dir, sb.env);
  expect(bad.code).toBe(1);
  // --rm: nothing is left behind.
  expect(engineCli(['ps', '-a', '--format', '{{.Names}}']).stdout).not.toContain('ocx-alpha-');
});

test('in a terminal ocx opencode gets one (-t) and still passes the exit code on', () => {
  const dir = sb.project('alpha');
  // script gives the command a pty of its own, as a user at a terminal has.
  const inTerminal = (args: string, env: NodeJS.ProcessEnv = {}) =>
    spawnSync('script', ['-qec', `${OCX} ${args}`, '/dev/null'], { cwd: dir, env: { ...sb.env, PWD: dir, ...env }, encoding: 'utf8', timeout: 120_000 });
  expect(JSON.parse(inTerminal('opencode --version', { OCX_DRY_RUN: '1' }).stdout)).toContain('-t');
  const v = inTerminal('opencode --version');
  expect(v.status).toBe(0);
  expect(v.stdout).toContain(`${LATEST}\r\n`);
  expect(inTerminal('opencode --no-such-flag').status).toBe(1);
});

test('a custom base is shared by projects with the same Dockerfile and rebuilt when it or its files change', () => {
  const dockerfile = `FROM ${DEBIAN}\nCOPY marker.txt /etc/ocx-marker\n`;
  const cfg = { network: 'host', custom_base_dockerfile: 'docker/Dockerfile' };
  const setup = (name: string, marker: string) => {
    const dir = sb.project(name, cfg);
    mkdirSync(join(dir, 'docker'), { recursive: true });
    writeFileSync(join(dir, 'docker', 'Dockerfile'), dockerfile);
    writeFileSync(join(dir, 'docker', 'marker.txt'), marker);
    return dir;
  };
  const beta = setup('beta', 'one\n');
  const b1 = ocx(['build'], beta, sb.env);
  expect(b1.code).toBe(0);
  expect(b1.stderr).toContain('Building base image localhost/ocx-base:');
  expect(b1.stdout).toContain(`Built localhost/ocx-beta-docker:${LATEST}`);
  const baseOf = (dir: string, repo: string) => images(dir).find((i) => i.ref === `${repo}:${LATEST}`)?.labels['ocx.base'];
  const base1 = baseOf(beta, 'localhost/ocx-beta-docker');
  expect(base1).toMatch(/^localhost\/ocx-base:/);

  const gamma = setup('gamma', 'one\n');
  const g = ocx(['build'], gamma, sb.env);
  expect(g.code).toBe(0);
  expect(g.stderr).not.toContain('Building base image');
  expect(baseOf(gamma, 'localhost/ocx-gamma-docker')).toBe(base1);

  // A changed file the Dockerfile copies: noticed without --force, the final follows.
  writeFileSync(join(beta, 'docker', 'marker.txt'), 'two\n');
  const v = ocx(['opencode', '--version'], beta, sb.env);
  expect(v.code).toBe(0);
  expect(v.stderr).toContain('Building base image');
  expect(v.stdout.trim()).toBe(LATEST);
  const base2 = baseOf(beta, 'localhost/ocx-beta-docker');
  expect(base2).not.toBe(base1);
  expect(engineCli(['run', '--rm', `localhost/ocx-beta-docker:${LATEST}`, 'cat', '/etc/ocx-marker']).stdout).toBe('two\n');

  // A changed Dockerfile text, likewise.
  writeFileSync(join(beta, 'docker', 'Dockerfile'), `${dockerfile}RUN echo three > /etc/ocx-three\n`);
  expect(ocx(['build'], beta, sb.env).stderr).toContain('Building base image');
  expect(baseOf(beta, 'localhost/ocx-beta-docker')).not.toBe(base2);
  // gamma is untouched and still current.
  expect(ocx(['build'], gamma, sb.env).stdout).toContain('is up to date');
});

test('--force rebuilds both images; --base --force only the base', () => {
  const dir = sb.project('alpha');
  const f = ocx(['build', '--base', '--force'], dir, sb.env);
  expect(f.code).toBe(0);
  expect(f.stderr).toContain('Building base image');
  expect(f.stderr).not.toContain('Building final image');
  const all = ocx(['build', '-f'], dir, sb.env);
  expect(all.code).toBe(0);
  expect(all.stderr).toContain('Building base image');
  expect(all.stderr).toContain('Building final image');
});

test('offline, "latest" falls back to the newest version built here, with a warning', () => {
  const off = sandbox({
    npm_config_registry: 'http://127.0.0.1:9/', HTTPS_PROXY: 'http://127.0.0.1:9', HTTP_PROXY: 'http://127.0.0.1:9',
    https_proxy: 'http://127.0.0.1:9', http_proxy: 'http://127.0.0.1:9',
  });
  const dir = off.project('alpha');
  const r = ocx(['opencode', '--version'], dir, off.env);
  expect(r.stderr).toMatch(/^warning: cannot look up the latest OpenCode \(.*\); using \S+, the newest built here\n$/);
  expect(r.stdout.trim()).toBe(LATEST);
  expect(r.code).toBe(0);
});

test('a missing version with no network fails in one line, leaving nothing behind', () => {
  const off = sandbox({ npm_config_registry: 'http://127.0.0.1:9/', OCX_OPENCODE_VERSION: '0.0.1', HTTPS_PROXY: 'http://127.0.0.1:9', https_proxy: 'http://127.0.0.1:9' });
  const dir = off.project('nover');
  const r = ocx(['build'], dir, off.env);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/ocx: cannot download OpenCode 0\.0\.1: npm registry: .*; GitHub releases: /);
  expect(engineCli(['image', 'inspect', 'localhost/ocx:0.0.1']).code).not.toBe(0);
});

test('upgrade --check reports; a pinned version is left alone', () => {
  const dir = sb.project('alpha');
  const r = ocx(['upgrade', '--check'], dir, sb.env);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain(`OpenCode ${LATEST} is the latest and is built (localhost/ocx:${LATEST})`);
  const pinned = ocx(['upgrade'], dir, { ...sb.env, OCX_OPENCODE_VERSION: '1.0.0' });
  expect(pinned.stdout).toBe('opencode_version is pinned to 1.0.0 (from env); change it to upgrade\n');
});
