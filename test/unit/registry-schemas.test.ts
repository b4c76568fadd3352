import { expect, test } from 'bun:test';
import * as v from 'valibot';
import { parseConfigBlob } from '../../src/engine/oci/config-parse.ts';
import { manifestKind, manifestSchema, MT } from '../../src/engine/oci/schemas.ts';
import { tokenSchema } from '../../src/engine/registry/schemas.ts';

const d = `sha256:${'b'.repeat(64)}`;

test('manifests: Docker schema 2 and OCI accepted, unknown layer types refused', () => {
  const m = { schemaVersion: 2, mediaType: MT.dockerManifest, config: { mediaType: MT.dockerConfig, digest: d, size: 10 }, layers: [{ mediaType: MT.dockerLayerGzip, digest: d, size: 5 }] };
  expect(v.is(manifestSchema, m)).toBe(true);
  expect(v.is(manifestSchema, { ...m, layers: [{ mediaType: 'application/x-evil', digest: d, size: 5 }] })).toBe(false);
  expect(v.is(manifestSchema, { ...m, config: { ...m.config, digest: 'sha256:short' } })).toBe(false);
  expect(v.is(manifestSchema, { ...m, layers: [{ mediaType: MT.ociLayerGzip, digest: d, size: -1 }] })).toBe(false);
});

test('what a document is: by media type, else by shape; schema 1 is recognised to be refused', () => {
  expect(manifestKind({ mediaType: MT.ociIndex, manifests: [] }, undefined)).toBe('index');
  expect(manifestKind({ manifests: [] }, MT.dockerList)).toBe('index');
  expect(manifestKind({ config: {}, layers: [] }, undefined)).toBe('manifest');
  expect(manifestKind({ schemaVersion: 1, fsLayers: [] }, 'application/vnd.docker.distribution.manifest.v1+prettyjws')).toBe('schema1');
  expect(manifestKind('x', undefined)).toBe('unknown');
});

test('token answers need a token', () => {
  expect(v.is(tokenSchema, { token: 'a' })).toBe(true);
  expect(v.is(tokenSchema, { access_token: 'a', expires_in: 60 })).toBe(true);
  expect(v.is(tokenSchema, { expires_in: 60 })).toBe(false);
});

test('image configs: rootfs.diff_ids must be digests; bad JSON is one line', () => {
  const ok = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Env: null }, rootfs: { type: 'layers', diff_ids: [d] } }));
  expect(parseConfigBlob(ok, 'x').rootfs.diff_ids).toEqual([d]);
  expect(() => parseConfigBlob(Buffer.from('{'), 'cannot pull x')).toThrow('cannot pull x: the image config is not valid JSON');
  expect(() => parseConfigBlob(Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: ['../x'] } })), 'cannot pull x')).toThrow(/rootfs\.diff_ids\.0: not a sha256 digest/);
});
