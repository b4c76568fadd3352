import { z } from '../../common/schema.ts';

const digest = z.string().check(z.regex(/^sha256:[0-9a-f]{64}$/));

const imageConfig = z.looseObject({
  Env: z.optional(z.array(z.string())),
  Cmd: z.optional(z.nullable(z.array(z.string()))),
  Entrypoint: z.optional(z.nullable(z.array(z.string()))),
  WorkingDir: z.optional(z.string()),
  User: z.optional(z.string()),
  ExposedPorts: z.optional(z.record(z.string(), z.unknown())),
  Labels: z.optional(z.nullable(z.record(z.string(), z.string()))),
  StopSignal: z.optional(z.string()),
});

/** `images/<name>/<tag>/image.json`: the seed's five fields first, then ours. */
export const imageRecordSchema = z.looseObject({
  name: z.string().check(z.minLength(1)),
  tag: z.string().check(z.minLength(1)),
  id: z.string().check(z.regex(/^[0-9a-f]{12}$/)),
  size: z.int().check(z.nonnegative()),
  created_time: z.string(),
  digest,
  created: z.string(),
  architecture: z.string(),
  os: z.string(),
  config: imageConfig,
  layers: z.array(digest).check(z.minLength(1)),
});

export type ImageConfig = z.infer<typeof imageConfig>;
export type ImageRecord = z.infer<typeof imageRecordSchema>;
