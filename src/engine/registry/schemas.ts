import { z } from 'zod';

/** A token endpoint's answer (Docker's token spec: `token`, or OAuth2's `access_token`). */
export const tokenSchema = z
  .object({ token: z.string().min(1).optional(), access_token: z.string().min(1).optional(), expires_in: z.number().optional() })
  .loose()
  .refine((t) => t.token || t.access_token, { message: 'no token in the answer' });

/** The Docker config file (~/.docker/config.json) and rocker's auth file, which uses the same `auths` map. */
export const authFileSchema = z
  .object({
    auths: z
      .record(
        z.string(),
        z.object({ auth: z.string().optional(), username: z.string().optional(), password: z.string().optional(), identitytoken: z.string().optional() }).loose(),
      )
      .optional(),
    credsStore: z.string().optional(),
    credHelpers: z.record(z.string(), z.string()).optional(),
  })
  .loose();
export type AuthFile = z.infer<typeof authFileSchema>;
