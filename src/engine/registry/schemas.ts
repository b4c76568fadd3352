import * as v from 'valibot';
import { finite, looseObject, record } from '../../common/schema.ts';

const token = v.optional(v.pipe(v.string(), v.minLength(1)));

/** A token endpoint's answer (Docker's token spec: `token`, or OAuth2's `access_token`). */
export const tokenSchema = v.pipe(
  looseObject({ token, access_token: token, expires_in: v.optional(finite()) }),
  v.check((t) => !!(t.token || t.access_token), 'no token in the answer'),
);

/** The Docker config file (~/.docker/config.json) and rocker's auth file, which uses the same `auths` map. */
export const authFileSchema = looseObject({
  auths: v.optional(
    record(
      v.string(),
      looseObject({ auth: v.optional(v.string()), username: v.optional(v.string()), password: v.optional(v.string()), identitytoken: v.optional(v.string()) }),
    ),
  ),
  credsStore: v.optional(v.string()),
  credHelpers: v.optional(record(v.string(), v.string())),
});
export type AuthFile = v.InferOutput<typeof authFileSchema>;
