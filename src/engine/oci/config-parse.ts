import * as v from 'valibot';
import { UserError } from '../../common/errors.ts';
import { issueText, lazySchema, looseObject, object, record } from '../../common/schema.ts';


/** The container settings of an image config ("config"): what rocker reads to run it. */
export const imageConfigSchema = lazySchema(() => looseObject({
  Env: v.optional(v.array(v.string())),
  Cmd: v.nullish(v.array(v.string())),
  Entrypoint: v.nullish(v.array(v.string())),
  WorkingDir: v.optional(v.string()),
  User: v.optional(v.string()),
  ExposedPorts: v.optional(record(v.string(), v.unknown())),
  Labels: v.nullish(record(v.string(), v.string())),
  StopSignal: v.optional(v.string()),
}));

export type ImageConfig = v.InferOutput<ReturnType<typeof imageConfigSchema>>;

/** The parts of an OCI/Docker image config rocker relies on; everything else is kept as-is in the blob. */
export const configBlobSchema = lazySchema(() => looseObject({
  architecture: v.pipe(v.string(), v.minLength(1)),
  os: v.pipe(v.string(), v.minLength(1)),
  variant: v.optional(v.string()),
  created: v.optional(v.string()),
  config: v.nullish(record(v.string(), v.unknown())),
  rootfs: object({ type: v.literal('layers'), diff_ids: v.array(v.pipe(v.string(), v.regex(/^sha256:[0-9a-f]{64}$/, 'not a sha256 digest'))) }),
  history: v.optional(
    v.array(
      looseObject({
        created: v.optional(v.string()),
        created_by: v.optional(v.string()),
        comment: v.optional(v.string()),
        empty_layer: v.optional(v.boolean()),
      }),
    ),
  ),
}));

export type ConfigBlob = v.InferOutput<ReturnType<typeof configBlobSchema>>;

/** Parses and validates a config blob; `what` names the image in the one-line error. */
export function parseConfigBlob(bytes: Buffer, what: string): ConfigBlob & { config: Record<string, unknown> | undefined } {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new UserError(`${what}: the image config is not valid JSON`);
  }
  const parsed = v.safeParse(configBlobSchema(), json);
  if (!parsed.success) throw new UserError(`${what}: invalid image config: ${issueText(parsed.issues)}`);
  return { ...parsed.output, config: parsed.output.config ?? undefined };
}
