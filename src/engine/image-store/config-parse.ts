import { z } from 'zod';
import { UserError } from '../../common/errors.ts';

const digest = z.string().regex(/^sha256:[0-9a-f]{64}$/, 'not a sha256 digest');

/** The parts of an OCI/Docker image config rocker relies on; everything else is kept as-is in the blob. */
export const configBlobSchema = z
  .object({
    architecture: z.string().min(1),
    os: z.string().min(1),
    variant: z.string().optional(),
    created: z.string().optional(),
    config: z.record(z.string(), z.unknown()).nullable().optional(),
    rootfs: z.object({ type: z.literal('layers'), diff_ids: z.array(digest) }),
    history: z
      .array(
        z
          .object({
            created: z.string().optional(),
            created_by: z.string().optional(),
            comment: z.string().optional(),
            empty_layer: z.boolean().optional(),
          })
          .loose(),
      )
      .optional(),
  })
  .loose();

export type ConfigBlob = z.infer<typeof configBlobSchema>;

/** Parses and validates a config blob; `what` names the image in the one-line error. */
export function parseConfigBlob(bytes: Buffer, what: string): ConfigBlob & { config: Record<string, unknown> | undefined } {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new UserError(`${what}: the image config is not valid JSON`);
  }
  const parsed = configBlobSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserError(`${what}: invalid image config: ${issue?.path.join('.') || 'config'}: ${issue?.message}`);
  }
  return { ...parsed.data, config: parsed.data.config ?? undefined };
}
