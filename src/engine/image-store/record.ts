import * as v from 'valibot';
import { int, lazySchema, looseObject } from '../../common/schema.ts';
import { imageConfigSchema } from '../oci/config-parse.ts';

export type { ImageConfig } from '../oci/config-parse.ts';

const digest = () => v.pipe(v.string(), v.regex(/^sha256:[0-9a-f]{64}$/));


/** `images/<name>/<tag>/image.json`: the seed's five fields first, then ours. */
export const imageRecordSchema = lazySchema(() => looseObject({
  name: v.pipe(v.string(), v.minLength(1)),
  tag: v.pipe(v.string(), v.minLength(1)),
  id: v.pipe(v.string(), v.regex(/^[0-9a-f]{12}$/)),
  size: v.pipe(int(), v.minValue(0)),
  created_time: v.string(),
  digest: digest(),
  created: v.string(),
  architecture: v.string(),
  os: v.string(),
  config: imageConfigSchema(),
  layers: v.pipe(v.array(digest()), v.minLength(1)),
}));

export type ImageRecord = v.InferOutput<ReturnType<typeof imageRecordSchema>>;
