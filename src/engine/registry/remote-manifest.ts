import * as v from 'valibot';
import { UserError } from '../../common/errors.ts';
import { issueText } from '../../common/schema.ts';
import { parseConfigBlob, type ConfigBlob } from '../oci/config-parse.ts';
import { readLimited, statusError, type RegistryClient } from './client.ts';
import { formatPlatform, pickManifest, platformMatches, type Platform } from '../oci/platform.ts';
import { digestOf, indexSchema, MANIFEST_ACCEPT, manifestKind, manifestSchema, type Descriptor, type Manifest } from '../oci/schemas.ts';
import type { RemoteRef } from '../reference.ts';

const MANIFEST_LIMIT = 4 << 20;
const CONFIG_LIMIT = 16 << 20;


export interface ResolvedImage {
  manifest: Manifest;
  manifestBytes: Buffer;
  manifestDigest: string;
  configBytes: Buffer;
  config: ConfigBlob;
}

function parseJson(bytes: Buffer, what: string, subject: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new UserError(`${what}: the ${subject} is not valid JSON`);
  }
}

async function getManifest(client: RegistryClient, ref: RemoteRef, reference: string, scope: string): Promise<{ bytes: Buffer; digest: string; contentType?: string }> {
  const what = client.what;
  const res = await client.fetch(`/v2/${ref.path}/manifests/${reference}`, { method: 'GET', headers: { accept: MANIFEST_ACCEPT }, scope });
  if (!res.ok) throw await statusError(res, what, reference.startsWith('sha256:') ? `manifest ${reference}` : `tag "${reference}"`);
  const bytes = await readLimited(res, MANIFEST_LIMIT, what);
  const digest = digestOf(bytes);
  // By digest the bytes must hash to it; by tag the registry's header, when sent, must agree.
  const expected = reference.startsWith('sha256:') ? reference : res.headers.get('docker-content-digest');
  if (expected && expected.startsWith('sha256:') && expected !== digest) {
    throw new UserError(`${what}: manifest digest mismatch (expected ${expected}, got ${digest})`);
  }
  return { bytes, digest, contentType: res.headers.get('content-type') ?? undefined };
}

/** Fetches a blob small enough to hold in memory (a config), verifying size and digest. */
export async function getSmallBlob(client: RegistryClient, ref: RemoteRef, desc: Descriptor, scope: string, subject: string): Promise<Buffer> {
  if (desc.size > CONFIG_LIMIT) throw new UserError(`${client.what}: the ${subject} is too large (${desc.size} bytes)`);
  const res = await client.fetch(`/v2/${ref.path}/blobs/${desc.digest}`, { method: 'GET', scope });
  if (!res.ok) throw await statusError(res, client.what, `${subject} ${desc.digest}`);
  const bytes = await readLimited(res, CONFIG_LIMIT, client.what);
  if (bytes.length !== desc.size) throw new UserError(`${client.what}: the ${subject} is truncated or has the wrong size (${bytes.length} of ${desc.size} bytes)`);
  const got = digestOf(bytes);
  if (got !== desc.digest) throw new UserError(`${client.what}: ${subject} digest mismatch (expected ${desc.digest}, got ${got})`);
  return bytes;
}

/**
 * Resolves a reference to one image manifest and its config: follows an
 * index to the entry for `platform`, accepts Docker schema 2 and OCI
 * manifests, refuses schema 1, and checks that a single-platform image is
 * for the wanted platform.
 */
export async function resolveImage(client: RegistryClient, ref: RemoteRef, platform: Platform, scope: string): Promise<ResolvedImage> {
  const what = client.what;
  let got = await getManifest(client, ref, ref.digest ?? ref.tag, scope);
  let json = parseJson(got.bytes, what, 'manifest');
  let kind = manifestKind(json, got.contentType);
  if (kind === 'index') {
    const index = v.safeParse(indexSchema, json);
    if (!index.success) throw new UserError(`${what}: invalid image index: ${issueText(index.issues)}`);
    const entry = pickManifest(index.output.manifests, platform, what);
    got = await getManifest(client, ref, entry.digest, scope);
    json = parseJson(got.bytes, what, 'manifest');
    kind = manifestKind(json, got.contentType);
  }
  if (kind === 'schema1') throw new UserError(`${what}: Docker schema 1 manifests are not supported (deprecated since 2017; re-push the image)`);
  if (kind !== 'manifest') throw new UserError(`${what}: the registry sent a document that is neither an image manifest nor an index`);
  const parsed = v.safeParse(manifestSchema, json);
  if (!parsed.success) throw new UserError(`${what}: invalid manifest: ${issueText(parsed.issues, 'manifest')}`);
  const manifest = parsed.output;
  const configBytes = await getSmallBlob(client, ref, manifest.config, scope, 'image config');
  const config = parseConfigBlob(configBytes, what);
  if (!platformMatches(platform, config)) {
    throw new UserError(`${what}: the image is for ${formatPlatform(config)} only, not ${formatPlatform(platform)} (use --platform ${formatPlatform(config)} to pull it anyway)`);
  }
  if (config.rootfs.diff_ids.length !== manifest.layers.length) {
    throw new UserError(`${what}: the manifest lists ${manifest.layers.length} layers but the config ${config.rootfs.diff_ids.length}`);
  }
  return { manifest, manifestBytes: got.bytes, manifestDigest: got.digest, configBytes, config };
}
