// login / logout and Basic authentication against the real registry with an
// htpasswd (bcrypt) file.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { busyboxTar, rocker, tempStore } from '../helpers/rocker.ts';
import { startRegistry, type TestRegistry } from '../helpers/registry.ts';

const user = { username: 'tester', password: 'pa55-word' };
let reg: TestRegistry;
const s = tempStore('rocker-auth-');
const { env, root } = s;

beforeAll(async () => {
  reg = await startRegistry({ auth: user });
  expect(rocker(['import', busyboxTar(), 'bb'], env).code).toBe(0);
  expect(rocker(['tag', 'bb', `${reg.host}/private/bb:1`], env).code).toBe(0);
});
afterAll(async () => {
  await reg?.stop();
  s.cleanup();
});

test('without credentials push and pull fail with one line naming the image and the cause', () => {
  const push = rocker(['push', `${reg.host}/private/bb:1`], env);
  expect(push.code).toBe(1);
  expect(push.stderr).toBe(`rocker: cannot push ${reg.host}/private/bb:1: blob ${push.stderr.match(/blob ([0-9a-f]{12})/)?.[1]}: authentication required or credentials rejected (use rocker login)\n`);
  const pull = rocker(['pull', `${reg.host}/private/bb:1`], env);
  expect(pull.code).toBe(1);
  expect(pull.stderr).toMatch(/^rocker: cannot pull 127\.0\.0\.1:\d+\/private\/bb:1: authentication required/);
});

test('login refuses a wrong password and stores nothing', () => {
  const r = rocker(['login', reg.host, '-u', user.username, '--password-stdin'], env, { input: 'wrong\n' });
  expect(r.code).toBe(1);
  expect(r.stderr).toBe(`rocker: cannot log in to ${reg.host}: the registry rejected the username or password\n`);
  expect(() => statSync(join(root, 'auth.json'))).toThrow();
});

test('after login push and pull work; logout forgets the credentials', () => {
  const r = rocker(['login', reg.host, '-u', user.username, '--password-stdin'], env, { input: `${user.password}\n` });
  expect(r.stderr).toBe('');
  expect(r.stdout).toBe(`Login Succeeded (${reg.host})\n`);
  // Root-only, like the store.
  expect(statSync(join(root, 'auth.json')).mode & 0o777).toBe(0o600);
  expect(JSON.parse(readFileSync(join(root, 'auth.json'), 'utf8')).auths[reg.host].auth).toBe(Buffer.from(`${user.username}:${user.password}`).toString('base64'));
  expect(rocker(['push', `${reg.host}/private/bb:1`], env).code).toBe(0);
  expect(rocker(['rmi', `${reg.host}/private/bb:1`], env).code).toBe(0);
  const pull = rocker(['pull', `${reg.host}/private/bb:1`], env);
  expect(pull.stderr).toBe('');
  expect(pull.code).toBe(0);
  expect(rocker(['logout', reg.host], env).stdout).toBe(`Removing login credentials for ${reg.host}\n`);
  expect(rocker(['pull', `${reg.host}/private/bb:1`], env).code).toBe(1);
  expect(rocker(['logout', reg.host], env).stdout).toBe(`Not logged in to ${reg.host}\n`);
});
