// Bad configuration gets one clear line naming the file or variable and the key, exit 1.
import { expect, test } from 'bun:test';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ocx, sandbox } from '../helpers/ocx.ts';

const sb = sandbox({}, false);

function bad(name: string, text: string, expected: RegExp, args = ['config']) {
  const dir = sb.project(name);
  writeFileSync(join(dir, 'ocx.json'), text);
  const r = ocx(args, dir, sb.env);
  expect(r.code).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toContain(join(dir, 'ocx.json'));
  expect(r.stderr).toMatch(expected);
}

test('a JSON syntax error names the file', () => bad('syntax', '{"memory": "2g",', /invalid JSON/));
test('an unknown key is named, with the likely intended one', () => bad('unknown', '{"memroy": "2g"}', /unknown key "memroy"/));
test('"cpus": "abc" names the key and the value', () => bad('cpus', '{"cpus": "abc"}', /key "cpus": expected a number \(got "abc"\)/));
test('every command checks the config before touching the engine', () => bad('opencode', '{"pids_limit": 0}', /key "pids_limit": must be greater than 0/, ['opencode', '--version']));
test('a bad size names the key', () => bad('size', '{"memory": "lots"}', /key "memory": expected <number><k\|m\|g>/));

test('env vars are validated and named', () => {
  const dir = sb.project('envbad');
  const r = ocx(['config'], dir, { ...sb.env, OCX_CPUS: 'abc' });
  expect(r.code).toBe(1);
  expect(r.stderr.trim()).toBe('ocx: OCX_CPUS: expected a number (got "abc")');
});

test('numbers given as strings are accepted; precedence env > project > global; lists add up', () => {
  const dir = sb.project('prec', { cpus: '2', memory: '2g', forbidden_paths: ['a'] });
  const globalDir = join(sb.home, '.config', 'ocx');
  mkdirSync(globalDir, { recursive: true });
  writeFileSync(join(globalDir, 'ocx.json'), JSON.stringify({ memory: '4g', pids_limit: 50, forbidden_paths: ['b', 'a'], port: null }));
  const r = ocx(['config', '--sources', '--json'], dir, { ...sb.env, OCX_MEMORY: '3g', OCX_FORBIDDEN_PATHS: 'c:a' });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const out = JSON.parse(r.stdout);
  expect(out.config.cpus).toBe(2);
  expect(out.config.memory).toBe('3g');
  expect(out.sources.memory).toBe('env');
  expect(out.config.pids_limit).toBe(50);
  expect(out.sources.pids_limit).toBe('global');
  expect(out.config.forbidden_paths).toEqual(['b', 'a', 'c']);
  expect(out.sources.forbidden_paths).toBe('global+project+env');
  expect(out.config.port).toBe(null);
  expect(out.config.network).toBe('bridge');
});

test('port, version and help work without an engine', () => {
  const dir = sb.project('my-app');
  const r = ocx(['port'], dir, sb.env);
  expect(r.code).toBe(0);
  // docs/ocx.md: 32768 + (POSIX cksum of the path, no newline) mod 32768, worked out here with the real cksum.
  const crc = Number(spawnSync('cksum', { input: dir, encoding: 'utf8' }).stdout.split(' ')[0]);
  expect(r.stdout).toBe(`${32768 + (crc % 32768)}\n`);
  expect(ocx(['port'], dir, { ...sb.env, OCX_PORT: '4242' }).stdout.trim()).toBe('4242');
  expect(ocx(['--version'], dir, sb.env).stdout).toMatch(/^ocx \d+\.\d+\.\d+/);
  const help = ocx(['help'], dir, sb.env);
  for (const c of ['opencode', 'build', 'image', 'config', 'shell', 'exec', 'stop', 'ps', 'stats', 'port', 'volume', 'upgrade', 'docs']) expect(help.stdout).toContain(`  ${c} `);
  const unknown = ocx(['frobnicate'], dir, sb.env);
  expect(unknown.code).toBe(1);
  expect(unknown.stderr).toBe('ocx: unknown command "frobnicate" (see \'ocx help\')\n');
});

test('a missing engine is one line naming what was tried', () => {
  const dir = sb.project('noengine');
  const r = ocx(['image', 'list'], dir, { ...sb.env, OCX_ENGINE: 'docker', OCX_DOCKER_BIN: '/nonexistent/docker' });
  expect(r.code).toBe(1);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(/tried docker.*install Docker/);
  const down = ocx(['image', 'list'], dir, { ...sb.env, OCX_ENGINE: 'docker', DOCKER_HOST: 'unix:///nonexistent.sock' });
  expect(down.code).toBe(1);
  expect(down.stderr).toMatch(/^ocx: the Docker daemon at unix:\/\/\/nonexistent.sock is not answering \(tried: docker\); start it/);
});

test('docs: downloads a release\'s documentation into --dir, and will not overwrite without --force', () => {
  const src = join(sb.home, 'src');
  mkdirSync(join(src, 'opencode-1.2.3', 'packages', 'web', 'src', 'content', 'docs'), { recursive: true });
  writeFileSync(join(src, 'opencode-1.2.3', 'packages', 'web', 'src', 'content', 'docs', 'index.mdx'), '# OpenCode docs\n');
  writeFileSync(join(src, 'opencode-1.2.3', 'README.md'), 'not docs\n');
  spawnSync('tar', ['-czf', join(sb.home, 'v1.2.3.tar.gz'), '-C', src, 'opencode-1.2.3']);
  const env = { ...sb.env, OCX_DOCS_URL: `file://${sb.home}/v{version}.tar.gz` };
  const dir = sb.project('docs');
  const out = join(dir, 'ocdocs');
  const r = ocx(['docs', '--dir', out, '--version', 'v1.2.3'], dir, env);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(readFileSync(join(out, 'index.mdx'), 'utf8')).toBe('# OpenCode docs\n');
  expect(existsSync(join(out, 'README.md'))).toBe(false);
  const again = ocx(['docs', '--dir', out, '--version', '1.2.3'], dir, env);
  expect(again.code).toBe(1);
  expect(again.stderr).toBe(`ocx: ${out} is not empty; pass --force to replace it\n`);
  expect(ocx(['docs', '--dir', out, '--version', '1.2.3', '--force'], dir, env).code).toBe(0);
  const missing = ocx(['docs', '--dir', join(dir, 'other'), '--version', '9.9.9'], dir, env);
  expect(missing.code).toBe(1);
  expect(missing.stderr).toMatch(/^ocx: cannot download OpenCode 9\.9\.9's docs: /);
});
