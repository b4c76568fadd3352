import { z } from 'zod';

const imageConfig = z
  .object({
    Env: z.array(z.string()).optional(),
    Cmd: z.array(z.string()).nullable().optional(),
    Entrypoint: z.array(z.string()).nullable().optional(),
    WorkingDir: z.string().optional(),
    User: z.string().optional(),
    ExposedPorts: z.record(z.string(), z.unknown()).optional(),
    Labels: z.record(z.string(), z.string()).nullable().optional(),
    StopSignal: z.string().optional(),
  })
  .loose();

/** `images/<name>/<tag>/image.json`: the seed's five fields first, then ours. */
export const imageRecordSchema = z
  .object({
    name: z.string().min(1),
    tag: z.string().min(1),
    id: z.string().regex(/^[0-9a-f]{12}$/),
    size: z.number().int().nonnegative(),
    created_time: z.string(),
    digest: z.string().regex(/^sha256:[0-9a-f]{64}$/),
    created: z.string(),
    architecture: z.string(),
    os: z.string(),
    config: imageConfig,
    layers: z.array(z.string().regex(/^sha256:[0-9a-f]{64}$/)).min(1),
  })
  .loose();

export type ImageConfig = z.infer<typeof imageConfig>;
export type ImageRecord = z.infer<typeof imageRecordSchema>;
