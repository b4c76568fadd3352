import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../common/errors.ts';
import type { Engine } from '../engine.ts';
import type { ImageRecord } from '../image-store/record.ts';
import type { LayerBlob } from '../layer-store/blobs.ts';
import { MT, manifestSchema } from '../registry/schemas.ts';
import { sha256 } from '../registry/remote-manifest.ts';
import { layerBlob } from './layer-blob.ts';

export interface ExportedImage {
  record: ImageRecord;
  configBytes: Buffer;
  configDigest: string;
  layers: Array<LayerBlob & { path: string }>;
  /** The image manifest: the one it was pulled with when still valid, else a new OCI manifest. */
  manifestBytes: Buffer;
  manifestDigest: string;
  manifestMediaType: string;
}

/** An image as blobs (config, compressed layers, manifest): what push uploads and save writes. */
export async function exportImage(engine: Engine, record: ImageRecord): Promise<ExportedImage> {
  const blobsDir = join(engine.paths.root, 'blobs', 'sha256');
  let configBytes: Buffer;
  try {
    configBytes = readFileSync(engine.images.blobPath(record.digest));
  } catch {
    throw new UserError(`image ${record.name}:${record.tag} is damaged: its config blob ${record.digest} is missing`);
  }
  const layers = [];
  for (const d of record.layers) layers.push(await layerBlob(engine.layers, blobsDir, d));
  // Layers re-archived from their files have new diff_ids: the exported config must name them.
  if (layers.some((l, i) => l.diffId !== record.layers[i])) {
    const json = JSON.parse(configBytes.toString('utf8')) as { rootfs: { diff_ids: string[] } };
    json.rootfs.diff_ids = layers.map((l) => l.diffId);
    configBytes = Buffer.from(JSON.stringify(json));
  }
  const configDigest = sha256(configBytes);
  const stored = reusableManifest(engine, record, configDigest, layers);
  if (stored) return { record, configBytes, configDigest, layers, ...stored };
  const manifest = {
    schemaVersion: 2,
    mediaType: MT.ociManifest,
    config: { mediaType: MT.ociConfig, digest: configDigest, size: configBytes.length },
    layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
  };
  const manifestBytes = Buffer.from(JSON.stringify(manifest));
  return { record, configBytes, configDigest, layers, manifestBytes, manifestDigest: sha256(manifestBytes), manifestMediaType: MT.ociManifest };
}

function reusableManifest(engine: Engine, record: ImageRecord, configDigest: string, layers: LayerBlob[]) {
  const digest = typeof record.manifest_digest === 'string' ? record.manifest_digest : undefined;
  if (!digest || !existsSync(engine.images.blobPath(digest))) return undefined;
  const bytes = readFileSync(engine.images.blobPath(digest));
  let parsed;
  try {
    parsed = manifestSchema.safeParse(JSON.parse(bytes.toString('utf8')));
  } catch {
    return undefined;
  }
  if (!parsed.success || parsed.data.config.digest !== configDigest) return undefined;
  if (parsed.data.layers.length !== layers.length || parsed.data.layers.some((l, i) => l.digest !== layers[i]!.digest)) return undefined;
  return { manifestBytes: bytes, manifestDigest: digest, manifestMediaType: parsed.data.mediaType ?? MT.ociManifest };
}
