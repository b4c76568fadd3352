import { expect, test } from 'bun:test';
import { parseChallenge } from '../../src/engine/registry/client.ts';
import { displayRef, parseRemoteRef, usesPlainHttp } from '../../src/engine/reference.ts';
import { parsePlatform, pickManifest } from '../../src/engine/oci/platform.ts';
import type { Descriptor } from '../../src/engine/oci/schemas.ts';

test.each([
  ['busybox', { domain: 'docker.io', host: 'registry-1.docker.io', path: 'library/busybox', tag: 'latest', localName: 'busybox', explicitTag: false }],
  ['busybox:1.36', { path: 'library/busybox', tag: '1.36', localName: 'busybox', explicitTag: true }],
  ['docker.io/library/busybox', { path: 'library/busybox', localName: 'busybox' }],
  ['index.docker.io/library/busybox', { domain: 'docker.io', localName: 'busybox' }],
  ['bitnami/redis:7', { domain: 'docker.io', path: 'bitnami/redis', localName: 'bitnami/redis', tag: '7' }],
  ['localhost:5000/a/b:c', { domain: 'localhost:5000', host: 'localhost:5000', path: 'a/b', tag: 'c', localName: 'localhost:5000/a/b' }],
  ['ghcr.io/o/r', { domain: 'ghcr.io', host: 'ghcr.io', path: 'o/r', localName: 'ghcr.io/o/r', tag: 'latest' }],
])('%s resolves to its registry and repository', (text, want) => {
  expect(parseRemoteRef(text)).toMatchObject(want);
});

test('a digest reference keeps the digest; only sha256 is accepted', () => {
  const d = `sha256:${'a'.repeat(64)}`;
  const r = parseRemoteRef(`busybox@${d}`);
  expect(r.digest).toBe(d);
  expect(displayRef(r)).toBe(`busybox@${d}`);
  expect(() => parseRemoteRef(`busybox@sha512:${'a'.repeat(128)}`)).toThrow(/only sha256/);
  expect(() => parseRemoteRef('Busybox')).toThrow(/uppercase/);
});

test('plain HTTP only for loopback and hosts marked insecure', () => {
  expect(usesPlainHttp('localhost:5000')).toBe(true);
  expect(usesPlainHttp('127.0.0.1:41000')).toBe(true);
  expect(usesPlainHttp('registry.example.com')).toBe(false);
  expect(usesPlainHttp('registry.example.com', true)).toBe(true);
  process.env.ROCKER_INSECURE_REGISTRIES = 'a.example:5000, b.example';
  try {
    expect(usesPlainHttp('a.example:5000')).toBe(true);
    expect(usesPlainHttp('b.example:443')).toBe(true);
    expect(usesPlainHttp('c.example')).toBe(false);
  } finally {
    delete process.env.ROCKER_INSECURE_REGISTRIES;
  }
});

test('WWW-Authenticate challenges are parsed, quoted commas included', () => {
  expect(parseChallenge('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull,push"')).toEqual({
    scheme: 'bearer',
    params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/busybox:pull,push' },
  });
  expect(parseChallenge('Basic realm="x"')?.scheme).toBe('basic');
  expect(parseChallenge('Negotiate abc')).toBeUndefined();
  expect(parseChallenge(null)).toBeUndefined();
});

const desc = (platform: Descriptor['platform'], n: number): Descriptor => ({ mediaType: 'm', digest: `sha256:${String(n).repeat(64)}`, size: 1, platform });

test('an index entry is picked by os/architecture, preferring the exact variant; attestations never match', () => {
  const list = [
    desc({ os: 'unknown', architecture: 'unknown' }, 0),
    desc({ os: 'linux', architecture: 'arm', variant: 'v6' }, 1),
    desc({ os: 'linux', architecture: 'arm', variant: 'v7' }, 2),
    desc({ os: 'linux', architecture: 'amd64' }, 3),
  ];
  expect(pickManifest(list, parsePlatform('linux/amd64'), 'x').digest).toBe(list[3]!.digest);
  expect(pickManifest(list, parsePlatform('linux/arm/v7'), 'x').digest).toBe(list[2]!.digest);
  expect(() => pickManifest(list, parsePlatform('linux/s390x'), 'cannot pull x')).toThrow('cannot pull x: no image for linux/s390x (available: linux/arm/v6, linux/arm/v7, linux/amd64); use --platform to choose');
  expect(() => parsePlatform('linux')).toThrow(/expected os\/arch/);
});
