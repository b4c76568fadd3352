import { afterAll, beforeAll, expect, test } from 'bun:test';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KEY_NAMES, KEYS } from '../../src/ocx/config/keys.ts';
import { loadConfig } from '../../src/ocx/config/load.ts';

let home = '';
let proj = '';
const savedHome = process.env.HOME;

beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'ocx-unit-'));
  proj = join(home, 'p');
  mkdirSync(join(home, '.config', 'ocx'), { recursive: true });
  mkdirSync(proj);
  process.env.HOME = home;
});
afterAll(() => {
  process.env.HOME = savedHome;
  rmSync(home, { recursive: true, force: true });
});

const write = (where: 'global' | 'project', data: unknown) =>
  writeFileSync(where === 'global' ? join(home, '.config', 'ocx', 'ocx.json') : join(proj, 'ocx.json'), typeof data === 'string' ? data : JSON.stringify(data));

test('defaults are the original\'s', () => {
  write('global', {});
  write('project', {});
  const { config, sources } = loadConfig({}, proj);
  expect(config).toMatchObject({
    opencode_version: 'latest', memory: '1024m', cpus: 1, pids_limit: 100, tmp_size: '500m', workspace_tmp_size: '500m',
    network: 'bridge', port: null, publish_port: true, add_host_docker_internal: true, opencode_config_dir: '~/.config/opencode',
    env_file: 'ocx.env', data_volumes_mode: 'git', read_only: false, forbidden_paths: [], timezone: 'UTC', engine: 'auto',
  });
  expect(Object.values(sources).every((s) => s === 'default')).toBe(true);
});

test('env > project > global > defaults; null is "not set"; lists concatenate without repeats', () => {
  write('global', { memory: '2g', cpus: 2, forbidden_paths: ['.env', 'secrets'], network: 'host' });
  write('project', { memory: '3g', network: null, forbidden_paths: ['secrets', 'keys'] });
  const { config, sources } = loadConfig({ OCX_CPUS: '0.5', OCX_FORBIDDEN_PATHS: 'keys:tokens', TZ: 'Asia/Taipei' }, proj);
  expect(config.memory).toBe('3g');
  expect(sources.memory).toBe('project');
  expect(config.cpus).toBe(0.5);
  expect(sources.cpus).toBe('env');
  expect(config.network).toBe('host');
  expect(sources.network).toBe('global');
  expect(config.forbidden_paths).toEqual(['.env', 'secrets', 'keys', 'tokens']);
  expect(config.timezone).toBe('Asia/Taipei');
});

test('every key has an OCX_ env var (TZ for timezone)', () => {
  for (const k of KEY_NAMES) expect(KEYS[k].env).toBe(k === 'timezone' ? 'TZ' : `OCX_${k.toUpperCase()}`);
});

const fails = (data: unknown, msg: RegExp, env: Record<string, string> = {}) => {
  write('global', {});
  write('project', data);
  expect(() => loadConfig(env, proj)).toThrow(msg);
};

test('validation names the file and key', () => {
  const f = join(proj, 'ocx.json').replace(/[/.]/g, (c) => `\\${c}`);
  fails({ memory: '1024' }, new RegExp(`^${f}: key "memory": expected <number><k\\|m\\|g>`));
  fails({ cpus: 0 }, /key "cpus": must be greater than 0/);
  fails({ cpus: 'abc' }, /key "cpus": expected a number \(got "abc"\)/);
  fails({ pids_limit: 1.5 }, /key "pids_limit": expected a whole number/);
  fails({ port: 70000 }, /key "port": must be 1-65535/);
  fails({ opencode_version: '1.2' }, /key "opencode_version": expected "latest" or a version/);
  fails({ data_volumes_name: '-bad' }, /key "data_volumes_name"/);
  fails({ data_volumes_mode: 'sometimes' }, /key "data_volumes_mode": expected "always", "git" or "never"/);
  fails({ publish_port: 'maybe' }, /key "publish_port": expected true or false/);
  fails({ forbidden_paths: 'a' }, /key "forbidden_paths": expected a list of strings/);
  fails({ nope: 1 }, /unknown key "nope"/);
  fails({ pidslimit: 1 }, /unknown key "pidslimit" \(did you mean "pids_limit"\?\)/);
  fails('[1]', /expected a JSON object/);
  fails('{', /invalid JSON/);
  fails({}, /^OCX_PORT: must be 1-65535 \(got "0"\)$/, { OCX_PORT: '0' });
  fails({}, /^OCX_PUBLISH_PORT: expected true or false/, { OCX_PUBLISH_PORT: 'perhaps' });
});

test('string numbers and booleans are accepted where unambiguous', () => {
  write('global', {});
  write('project', { cpus: '1.5', pids_limit: '200', publish_port: 'false', uid: '1000', opencode_version: 'v1.2.3' });
  const { config } = loadConfig({ OCX_READ_ONLY: '1' }, proj);
  expect(config).toMatchObject({ cpus: 1.5, pids_limit: 200, publish_port: false, uid: 1000, read_only: true, opencode_version: 'v1.2.3' });
});
