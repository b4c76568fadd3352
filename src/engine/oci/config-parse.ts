import { issueText, lazySchema, z } from '../../common/schema.ts';
import { UserError } from '../../common/errors.ts';


/** The container settings of an image config ("config"): what rocker reads to run it. */
export const imageConfigSchema = lazySchema(() => z.looseObject({
  Env: z.optional(z.array(z.string())),
  Cmd: z.optional(z.nullable(z.array(z.string()))),
  Entrypoint: z.optional(z.nullable(z.array(z.string()))),
  WorkingDir: z.optional(z.string()),
  User: z.optional(z.string()),
  ExposedPorts: z.optional(z.record(z.string(), z.unknown())),
  Labels: z.optional(z.nullable(z.record(z.string(), z.string()))),
  StopSignal: z.optional(z.string()),
}));

export type ImageConfig = z.infer<ReturnType<typeof imageConfigSchema>>;

/** The parts of an OCI/Docker image config rocker relies on; everything else is kept as-is in the blob. */
export const configBlobSchema = lazySchema(() => z.looseObject({
  architecture: z.string().check(z.minLength(1)),
  os: z.string().check(z.minLength(1)),
  variant: z.optional(z.string()),
  created: z.optional(z.string()),
  config: z.optional(z.nullable(z.record(z.string(), z.unknown()))),
  rootfs: z.object({ type: z.literal('layers'), diff_ids: z.array(z.string().check(z.regex(/^sha256:[0-9a-f]{64}$/, 'not a sha256 digest'))) }),
  history: z.optional(
    z.array(
      z.looseObject({
        created: z.optional(z.string()),
        created_by: z.optional(z.string()),
        comment: z.optional(z.string()),
        empty_layer: z.optional(z.boolean()),
      }),
    ),
  ),
}));

export type ConfigBlob = z.infer<ReturnType<typeof configBlobSchema>>;

/** Parses and validates a config blob; `what` names the image in the one-line error. */
export function parseConfigBlob(bytes: Buffer, what: string): ConfigBlob & { config: Record<string, unknown> | undefined } {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new UserError(`${what}: the image config is not valid JSON`);
  }
  const schema = configBlobSchema();
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new UserError(`${what}: invalid image config: ${issueText(schema, json)}`);
  return { ...parsed.data, config: parsed.data.config ?? undefined };
}
