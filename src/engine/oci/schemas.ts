import * as v from 'valibot';
import { sha256Hex } from '../../common/random.ts';
import { int, looseObject, record } from '../../common/schema.ts';

/** The OCI digest of some bytes. */
export const digestOf = (bytes: Uint8Array) => `sha256:${sha256Hex(bytes)}`;

/** Media types of the OCI image spec and Docker's schema 2. */
export const MT = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  dockerForeignLayer: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
} as const;

export const MANIFEST_ACCEPT = [MT.ociIndex, MT.dockerList, MT.ociManifest, MT.dockerManifest].join(', ');

const LAYER_TYPES = new Set<string>([MT.dockerLayerGzip, MT.ociLayer, MT.ociLayerGzip, MT.ociLayerZstd,
  'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip', MT.dockerForeignLayer]);

export const digestSchema = v.pipe(v.string(), v.regex(/^sha256:[0-9a-f]{64}$/, 'not a sha256 digest'));

export const descriptorSchema = looseObject({
  mediaType: v.string(),
  digest: digestSchema,
  size: v.pipe(int(), v.minValue(0)),
  urls: v.optional(v.array(v.string())),
  annotations: v.optional(record(v.string(), v.string())),
  platform: v.optional(
    looseObject({ architecture: v.string(), os: v.string(), variant: v.optional(v.string()), 'os.version': v.optional(v.string()) }),
  ),
});
export type Descriptor = v.InferOutput<typeof descriptorSchema>;

export const manifestSchema = looseObject({
  schemaVersion: v.literal(2),
  mediaType: v.optional(v.string()),
  config: descriptorSchema,
  layers: v.array(v.pipe(descriptorSchema, v.check((d) => LAYER_TYPES.has(d.mediaType), 'unsupported layer media type'))),
  annotations: v.optional(record(v.string(), v.string())),
});
export type Manifest = v.InferOutput<typeof manifestSchema>;

export const indexSchema = looseObject({
  schemaVersion: v.literal(2),
  mediaType: v.optional(v.string()),
  manifests: v.array(descriptorSchema),
  annotations: v.optional(record(v.string(), v.string())),
});
export type Index = v.InferOutput<typeof indexSchema>;

/** What a manifest document is, by its declared media type or, failing that, its shape. */
export function manifestKind(json: unknown, contentType: string | undefined): 'index' | 'manifest' | 'schema1' | 'unknown' {
  const mt = (typeof json === 'object' && json && 'mediaType' in json && typeof json.mediaType === 'string' ? json.mediaType : undefined) ?? contentType?.split(';')[0]?.trim();
  if (mt === MT.ociIndex || mt === MT.dockerList) return 'index';
  if (mt === MT.ociManifest || mt === MT.dockerManifest) return 'manifest';
  if (typeof json === 'object' && json) {
    if ('schemaVersion' in json && json.schemaVersion === 1) return 'schema1';
    if ('manifests' in json) return 'index';
    if ('config' in json && 'layers' in json) return 'manifest';
  }
  return 'unknown';
}
