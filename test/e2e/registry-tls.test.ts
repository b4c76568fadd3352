// HTTPS by default: a registry with TLS on a loopback address that is not
// 127.0.0.1 (so rocker does not fall back to plain HTTP for it).
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { busyboxTar, rocker, tempStore } from '../helpers/rocker.ts';
import { startRegistry, type TestRegistry } from '../helpers/registry.ts';

let reg: TestRegistry;
const s = tempStore('rocker-tls-');
const { env, root } = s;
const cert = join(root, '..', 'cert.pem');
const key = join(root, '..', 'key.pem');

beforeAll(async () => {
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1',
    '-subj', '/CN=127.0.0.2', '-addext', 'subjectAltName=IP:127.0.0.2'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl: ${r.stderr}`);
  reg = await startRegistry({ tls: { address: '127.0.0.2', cert, key } });
  expect(rocker(['import', busyboxTar(), `${reg.host}/tls/bb:1`], env).code).toBe(0);
});
afterAll(async () => {
  await reg?.stop();
  s.cleanup();
});

test('an untrusted certificate is refused with one line', () => {
  const r = rocker(['push', `${reg.host}/tls/bb:1`], env);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(new RegExp(`^rocker: cannot push ${reg.host.replace(/\./g, '\\.')}/tls/bb:1: .*cannot reach ${reg.host.replace(/\./g, '\\.')}: .*(self.signed|certificate)`, 'i'));
  expect(r.stderr.trim().split('\n').length).toBe(1);
});

test('with the CA trusted, push and pull go over HTTPS', () => {
  const trusted = { ...env, NODE_EXTRA_CA_CERTS: cert };
  expect(rocker(['push', `${reg.host}/tls/bb:1`], trusted).stderr).toBe('');
  expect(rocker(['rmi', `${reg.host}/tls/bb:1`], trusted).code).toBe(0);
  const pull = rocker(['pull', `${reg.host}/tls/bb:1`], trusted);
  expect(pull.stderr).toBe('');
  expect(pull.code).toBe(0);
});

test('--insecure means plain HTTP, which this registry answers with a clear refusal', () => {
  const r = rocker(['pull', '--insecure', `${reg.host}/tls/bb:1`], env);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/unexpected HTTP 400 \(Client sent an HTTP request to an HTTPS server\.?\)/);
});
