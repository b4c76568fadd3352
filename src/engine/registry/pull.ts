import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { UserError } from '../../common/errors.ts';
import type { ImageStore } from '../image-store/store.ts';
import type { ImageRecord } from '../image-store/record.ts';
import { addLayerBlob } from '../layer-store/blobs.ts';
import { importVerified } from '../layer-store/verified-import.ts';
import { RegistryClient, statusError } from './client.ts';
import { findCredentials } from './credentials.ts';
import { withLayerLock } from './layer-lock.ts';
import { displayRef, parseRemoteRef, type RemoteRef } from '../reference.ts';
import { parsePlatform } from '../oci/platform.ts';
import { shortId, type ProgressSink } from './progress.ts';
import { resolveImage } from './remote-manifest.ts';
import { pool } from './pool.ts';
import type { Descriptor } from '../oci/schemas.ts';

export interface PullOptions {
  platform?: string;
  insecure?: boolean;
  progress?: ProgressSink;
  /** Layers fetched at once (Docker's default is 3). */
  concurrency?: number;
}

export interface PullResult {
  image: ImageRecord;
  /** The manifest digest: what `NAME@DIGEST` pulls again. */
  manifestDigest: string;
  ref: RemoteRef;
  upToDate: boolean;
}

/**
 * `rocker pull`: resolves the reference on its registry, then fetches the
 * layers the store does not have (in parallel, each verified while it
 * streams into the layer store), and commits the image with the registry's
 * config blob byte for byte, so its id equals Docker's.
 */
export async function pullImage(images: ImageStore, text: string, opts: PullOptions = {}): Promise<PullResult> {
  const ref = parseRemoteRef(text);
  const platform = parsePlatform(opts.platform);
  const what = `cannot pull ${displayRef(ref)}`;
  const client = new RegistryClient({ host: ref.host, what, credentials: findCredentials(images.paths.root, ref.domain), insecure: opts.insecure });
  const scope = `repository:${ref.path}:pull`;
  const image = await resolveImage(client, ref, platform, scope);
  const diffIds = image.config.rootfs.diff_ids;
  const tag = ref.explicitTag || !ref.digest ? ref.tag : `sha256-${ref.digest.slice(7, 19)}`;

  const existing = images.find(ref.localName, tag);
  const configDigest = image.manifest.config.digest;
  if (existing && existing.digest === configDigest && diffIds.every((d) => images.layers.has(d))) {
    return { image: existing, manifestDigest: image.manifestDigest, ref, upToDate: true };
  }
  const source = `${ref.domain}/${ref.path}`;
  const progress = opts.progress ?? (() => undefined);
  image.manifest.layers.forEach((l) => progress({ id: shortId(l.digest), state: 'Waiting' }));
  await pool(image.manifest.layers, opts.concurrency ?? concurrency(), async (desc, i) => {
    const diffId = diffIds[i]!;
    const id = shortId(desc.digest);
    const fetched = await withLayerLock(images.paths, diffId, async () => {
      if (images.layers.has(diffId)) {
        // Pin at once: a collection between now and the commit must not take it.
        images.layers.pin(diffId);
        return false;
      }
      await fetchLayer(images, client, ref, desc, diffId, scope, source, progress);
      return true;
    });
    if (!fetched) {
      // Remember that this repository holds the blob too (a mount source for push), when rocker keeps it.
      // Best effort: the pull does not fail for a note it could not write.
      await images.layers.lock(() => {
        if (images.layers.has(diffId) && images.layers.content.has(desc.digest)) addLayerBlob(images.layers, diffId, { digest: desc.digest, size: desc.size, mediaType: desc.mediaType, diffId, sources: [source] });
      }).catch(() => undefined);
      progress({ id, state: 'Already exists' });
    } else progress({ id, state: 'Pull complete' });
  }).catch((e) => {
    image.manifest.layers.forEach((l, i) => {
      if (!images.layers.has(diffIds[i]!)) progress({ id: shortId(l.digest), state: 'Failed' });
    });
    throw e;
  });
  const record = await images.commitConfig({
    name: ref.localName,
    tag,
    configBytes: image.configBytes,
    layers: diffIds,
    manifestDigest: image.manifestDigest,
    manifestBytes: image.manifestBytes,
  });
  return { image: record, manifestDigest: image.manifestDigest, ref, upToDate: false };
}

async function fetchLayer(images: ImageStore, client: RegistryClient, ref: RemoteRef, desc: Descriptor, diffId: string, scope: string, source: string, progress: ProgressSink): Promise<void> {
  const id = shortId(desc.digest);
  const what = `${client.what}: layer ${id}`;
  const res = await client.fetch(`/v2/${ref.path}/blobs/${desc.digest}`, { method: 'GET', scope });
  if (!res.ok) throw await statusError(res, `${client.what}: layer ${id}`, `blob ${desc.digest}`);
  if (!res.body) throw new UserError(`${what}: the registry sent no data`);
  let current = 0;
  progress({ id, state: 'Downloading', current, total: desc.size });
  const body = Readable.fromWeb(res.body as unknown as import('node:stream/web').ReadableStream<Uint8Array>, { highWaterMark: 1 << 20 });
  // A registry that stops sending without closing would hang the pull for ever: give up after a quiet spell.
  const idle = idleSeconds();
  const timer = setTimeout(() => body.destroy(new Error(`no data for ${idle} s`)), idle * 1000);
  try {
    await importVerified(images.layers, body, {
      what,
      diffId,
      blob: { digest: desc.digest, size: desc.size },
      source,
      onBytes: (n) => {
        timer.refresh();
        current += n;
        progress({ id, state: 'Downloading', current, total: desc.size });
      },
    });
  } finally {
    clearTimeout(timer);
  }
}

/** ROCKER_PULL_CONCURRENCY (layers fetched at once), default 3 as Docker's max-concurrent-downloads. */
function concurrency(): number {
  const v = Number(process.env.ROCKER_PULL_CONCURRENCY);
  return Number.isInteger(v) && v > 0 ? v : 3;
}

/** ROCKER_PULL_IDLE_TIMEOUT (seconds without a byte before a layer download is abandoned), default 120. */
function idleSeconds(): number {
  const v = Number(process.env.ROCKER_PULL_IDLE_TIMEOUT);
  return Number.isFinite(v) && v > 0 ? v : 120;
}
