import { z } from 'zod';
import { sha256Hex } from '../../common/random.ts';

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

export const digestSchema = z.string().regex(/^sha256:[0-9a-f]{64}$/, 'not a sha256 digest');

export const descriptorSchema = z
  .object({
    mediaType: z.string(),
    digest: digestSchema,
    size: z.number().int().nonnegative(),
    urls: z.array(z.string()).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
    platform: z
      .object({ architecture: z.string(), os: z.string(), variant: z.string().optional(), 'os.version': z.string().optional() })
      .loose()
      .optional(),
  })
  .loose();
export type Descriptor = z.infer<typeof descriptorSchema>;

export const manifestSchema = z
  .object({
    schemaVersion: z.literal(2),
    mediaType: z.string().optional(),
    config: descriptorSchema,
    layers: z.array(
      descriptorSchema.refine((d) => LAYER_TYPES.has(d.mediaType), { message: 'unsupported layer media type' }),
    ),
    annotations: z.record(z.string(), z.string()).optional(),
  })
  .loose();
export type Manifest = z.infer<typeof manifestSchema>;

export const indexSchema = z
  .object({
    schemaVersion: z.literal(2),
    mediaType: z.string().optional(),
    manifests: z.array(descriptorSchema),
    annotations: z.record(z.string(), z.string()).optional(),
  })
  .loose();
export type Index = z.infer<typeof indexSchema>;

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
