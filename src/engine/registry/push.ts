import { UserError } from '../../common/errors.ts';
import { exportImage } from '../image-store/archive/export-image.ts';
import type { ImageStore } from '../image-store/store.ts';
import { addLayerBlob } from '../layer-store/blobs.ts';
import { RegistryClient, statusError } from './client.ts';
import { findCredentials } from './credentials.ts';
import { displayRef, parseRemoteRef, type RemoteRef } from '../reference.ts';
import { shortId, type ProgressSink } from './progress.ts';
import { pool } from './pool.ts';

export interface PushOptions {
  insecure?: boolean;
  progress?: ProgressSink;
}

interface BlobToPush {
  digest: string;
  size: number;
  /** A file, or the bytes themselves (the config). */
  path?: string;
  bytes?: Buffer;
  /** Repositories on the same registry known to hold it. */
  mountFrom: string[];
}

/**
 * `rocker push`: uploads the blobs the registry does not have (HEAD first,
 * then a cross-repository mount when another repository there is known to
 * hold the blob, else a monolithic upload), then the manifest under the tag.
 */
export async function pushImage(images: ImageStore, text: string, opts: PushOptions = {}): Promise<{ ref: RemoteRef; digest: string; size: number }> {
  const ref = parseRemoteRef(text);
  if (ref.digest) throw new UserError(`cannot push ${text}: push takes NAME[:TAG], not a digest`);
  const record = images.find(ref.localName, ref.tag);
  if (!record) throw new UserError(`cannot push ${displayRef(ref)}: no such image (tag a local image with 'rocker tag SOURCE ${displayRef(ref)}')`);
  const what = `cannot push ${displayRef(ref)}`;
  const exported = await exportImage(images, record);
  const prefix = `${ref.domain}/`;
  const blobs: BlobToPush[] = exported.layers.map((l) => ({
    digest: l.digest,
    size: l.size,
    path: l.path,
    mountFrom: l.sources.filter((s) => s.startsWith(prefix) && s !== `${ref.domain}/${ref.path}`).map((s) => s.slice(prefix.length)),
  }));
  blobs.push({ digest: exported.configDigest, size: exported.configBytes.length, bytes: exported.configBytes, mountFrom: [] });
  const mountScopes = [...new Set(blobs.flatMap((b) => b.mountFrom))].map((p) => `repository:${p}:pull`);
  const scope = [`repository:${ref.path}:pull,push`, ...mountScopes].join(' ');
  const client = new RegistryClient({ host: ref.host, what, credentials: findCredentials(images.paths.root, ref.domain), insecure: opts.insecure });
  const progress = opts.progress ?? (() => undefined);
  const layerCount = exported.layers.length;
  blobs.slice(0, layerCount).forEach((b) => progress({ id: shortId(b.digest), state: 'Waiting' }));

  await pool(blobs, 3, async (blob, i) => {
    const isLayer = i < layerCount;
    const report: ProgressSink = isLayer ? progress : () => undefined;
    const outcome = await pushBlob(client, ref, blob, scope, report);
    if (isLayer) {
      const diffId = record.layers[i]!;
      // Remember the repository as a mount source for later pushes elsewhere on this registry.
      const { path: _file, ...blobInfo } = exported.layers[i]!;
      await images.layers.lock(() => addLayerBlob(images.layers, diffId, { ...blobInfo, sources: [`${ref.domain}/${ref.path}`] }));
      report({ id: shortId(blob.digest), state: outcome.state, detail: outcome.detail });
    }
  });

  const res = await client.fetch(`/v2/${ref.path}/manifests/${ref.tag}`, {
    method: 'PUT',
    headers: { 'content-type': exported.manifestMediaType },
    body: new Uint8Array(exported.manifestBytes),
    scope,
  });
  if (!res.ok) throw await statusError(res, `${what}: manifest upload`, 'repository');
  await res.body?.cancel().catch(() => undefined);
  const sent = res.headers.get('docker-content-digest');
  if (sent && sent !== exported.manifestDigest) throw new UserError(`${what}: the registry stored the manifest as ${sent}, expected ${exported.manifestDigest}`);
  return { ref, digest: exported.manifestDigest, size: exported.manifestBytes.length };
}

async function pushBlob(client: RegistryClient, ref: RemoteRef, blob: BlobToPush, scope: string, progress: ProgressSink): Promise<{ state: 'Layer already exists' | 'Mounted from' | 'Pushed'; detail?: string }> {
  const id = shortId(blob.digest);
  const what = `${client.what}: blob ${id}`;
  const head = await client.fetch(`/v2/${ref.path}/blobs/${blob.digest}`, { method: 'HEAD', scope });
  if (head.ok) return { state: 'Layer already exists' };
  if (head.status !== 404) throw await statusError(head, what, 'repository');
  let location: string | undefined;
  for (const from of blob.mountFrom) {
    const res = await client.fetch(`/v2/${ref.path}/blobs/uploads/?mount=${blob.digest}&from=${encodeURIComponent(from)}`, { method: 'POST', scope });
    await res.body?.cancel().catch(() => undefined);
    if (res.status === 201) return { state: 'Mounted from', detail: from };
    // 202: the registry could not mount and opened an ordinary upload instead.
    if (res.status === 202) {
      location = res.headers.get('location') ?? undefined;
      break;
    }
  }
  if (!location) {
    const res = await client.fetch(`/v2/${ref.path}/blobs/uploads/`, { method: 'POST', scope });
    if (res.status !== 202) throw await statusError(res, what, 'repository');
    await res.body?.cancel().catch(() => undefined);
    location = res.headers.get('location') ?? undefined;
    if (!location) throw new UserError(`${what}: the registry opened an upload without a Location`);
  }
  const url = new URL(location, client.base);
  url.searchParams.set('digest', blob.digest);
  progress({ id, state: 'Pushing', current: 0, total: blob.size });
  const body: BodyInit = blob.bytes ? new Uint8Array(blob.bytes) : Bun.file(blob.path!);
  const put = await client.fetch(url.toString(), {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream', 'content-length': String(blob.size) },
    body,
    scope,
  });
  if (put.status !== 201) throw await statusError(put, what, 'upload');
  await put.body?.cancel().catch(() => undefined);
  progress({ id, state: 'Pushing', current: blob.size, total: blob.size });
  return { state: 'Pushed' };
}
