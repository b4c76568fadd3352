import * as v from 'valibot';
import { UserError } from '../../../common/errors.ts';
import type { ImageStore } from '../store.ts';
import type { ImageRecord } from '../record.ts';
import type { LayerBlob } from '../../layer-store/blobs.ts';
import { digestOf, MT, manifestSchema } from '../../oci/schemas.ts';
import { layerBlob } from '../../layer-store/layer-blob.ts';

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
export async function exportImage(images: ImageStore, record: ImageRecord): Promise<ExportedImage> {
  let configBytes = images.configBytes(record);
  const layers = [];
  for (const d of record.layers) layers.push(await layerBlob(images.layers, d));
  // Layers re-archived from their files have new diff_ids: the exported config must name them.
  if (layers.some((l, i) => l.diffId !== record.layers[i])) {
    const json = JSON.parse(configBytes.toString('utf8')) as { rootfs: { diff_ids: string[] } };
    json.rootfs.diff_ids = layers.map((l) => l.diffId);
    configBytes = Buffer.from(JSON.stringify(json));
  }
  const configDigest = digestOf(configBytes);
  const stored = reusableManifest(images, record, configDigest, layers);
  if (stored) return { record, configBytes, configDigest, layers, ...stored };
  const manifest = {
    schemaVersion: 2,
    mediaType: MT.ociManifest,
    config: { mediaType: MT.ociConfig, digest: configDigest, size: configBytes.length },
    layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
  };
  const manifestBytes = Buffer.from(JSON.stringify(manifest));
  return { record, configBytes, configDigest, layers, manifestBytes, manifestDigest: digestOf(manifestBytes), manifestMediaType: MT.ociManifest };
}

function reusableManifest(images: ImageStore, record: ImageRecord, configDigest: string, layers: LayerBlob[]) {
  const stored = images.manifest(record);
  if (!stored) return undefined;
  const { digest, bytes } = stored;
  let parsed;
  try {
    parsed = v.safeParse(manifestSchema, JSON.parse(bytes.toString('utf8')));
  } catch {
    return undefined;
  }
  if (!parsed.success || parsed.output.config.digest !== configDigest) return undefined;
  if (parsed.output.layers.length !== layers.length || parsed.output.layers.some((l, i) => l.digest !== layers[i]!.digest)) return undefined;
  return { manifestBytes: bytes, manifestDigest: digest, manifestMediaType: parsed.output.mediaType ?? MT.ociManifest };
}
