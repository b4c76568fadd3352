// Schemas for files and responses read at the edges. zod's "mini" build:
// the same validation as classic zod at a sixth of its load time (1 ms
// against 7 ms), which every container start pays.
import * as z from 'zod/mini';

export { z };

let messagesLoaded = false;

/**
 * A schema built on first use: building zod objects costs at load time, and
 * a command that never validates one (a listing served from its cache) should
 * not pay for it.
 */
export function lazySchema<T>(build: () => T): () => T {
  let built: T | undefined;
  return () => (built ??= build());
}

/**
 * Validates `data`; on failure throws an Error whose message names the
 * first bad field ("layers.0: Invalid string: must match pattern ...").
 * English messages are loaded only when something is wrong.
 */
export function check<T>(schema: z.ZodMiniType<T>, data: unknown): T {
  const first = schema.safeParse(data);
  if (first.success) return first.data;
  throw new Error(issueText(schema, data));
}

/** The first issue of a failed validation as "path: message". */
export function issueText(schema: z.ZodMiniType, data: unknown): string {
  if (!messagesLoaded) {
    z.config(z.locales.en());
    messagesLoaded = true;
  }
  const parsed = schema.safeParse(data);
  const issue = parsed.success ? undefined : parsed.error.issues[0];
  return `${issue?.path.join('.') || 'value'}: ${issue?.message ?? 'invalid'}`;
}
