import { afterEach, beforeEach, expect, test } from 'bun:test';
import { mkdtempSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findCredentials, removeCredentials, storeCredentials } from '../../src/engine/registry/credentials.ts';

let dir: string;
let root: string;
const saved = { DOCKER_CONFIG: process.env.DOCKER_CONFIG, ROCKER_AUTH_FILE: process.env.ROCKER_AUTH_FILE };

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rocker-creds-'));
  root = join(dir, 'root');
  mkdirSync(join(dir, 'docker'), { recursive: true });
  process.env.DOCKER_CONFIG = join(dir, 'docker');
  delete process.env.ROCKER_AUTH_FILE;
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
});

const b64 = (s: string) => Buffer.from(s).toString('base64');

test("the Docker config file's auths are read, Docker Hub's legacy key included", () => {
  writeFileSync(join(dir, 'docker', 'config.json'), JSON.stringify({ auths: { 'https://index.docker.io/v1/': { auth: b64('hub:pw') }, 'r.example:5000': { auth: b64('u:p:with:colons') } } }));
  expect(findCredentials(root, 'docker.io')).toEqual({ username: 'hub', password: 'pw' });
  expect(findCredentials(root, 'r.example:5000')).toEqual({ username: 'u', password: 'p:with:colons' });
  expect(findCredentials(root, 'other.example')).toBeUndefined();
});

test("rocker's own credentials win, are kept 0600, and logout removes them", () => {
  writeFileSync(join(dir, 'docker', 'config.json'), JSON.stringify({ auths: { 'r.example': { auth: b64('docker:one') } } }));
  const path = storeCredentials(root, 'r.example', { username: 'rocker', password: 'two' });
  expect(statSync(path).mode & 0o777).toBe(0o600);
  expect(findCredentials(root, 'r.example')).toEqual({ username: 'rocker', password: 'two' });
  expect(removeCredentials(root, 'r.example')).toBe(true);
  expect(removeCredentials(root, 'r.example')).toBe(false);
  expect(findCredentials(root, 'r.example')).toEqual({ username: 'docker', password: 'one' });
});

test('a malformed auth file is an error naming the file and the field', () => {
  writeFileSync(join(dir, 'docker', 'config.json'), '{"auths": {"r.example": {"auth": "bm9jb2xvbg=="}}}');
  expect(() => findCredentials(root, 'r.example')).toThrow(/config\.json: the "auth" entry is not base64 of user:password/);
  writeFileSync(join(dir, 'docker', 'config.json'), '{"auths": []}');
  expect(() => findCredentials(root, 'r.example')).toThrow(/config\.json: auths: /);
  writeFileSync(join(dir, 'docker', 'config.json'), 'not json');
  expect(() => findCredentials(root, 'r.example')).toThrow(/config\.json: not valid JSON/);
});
