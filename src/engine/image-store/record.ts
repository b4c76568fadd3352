import { lazySchema, z } from '../../common/schema.ts';
import { imageConfigSchema } from '../oci/config-parse.ts';

export type { ImageConfig } from '../oci/config-parse.ts';

const digest = () => z.string().check(z.regex(/^sha256:[0-9a-f]{64}$/));


/** `images/<name>/<tag>/image.json`: the seed's five fields first, then ours. */
export const imageRecordSchema = lazySchema(() => z.looseObject({
  name: z.string().check(z.minLength(1)),
  tag: z.string().check(z.minLength(1)),
  id: z.string().check(z.regex(/^[0-9a-f]{12}$/)),
  size: z.int().check(z.nonnegative()),
  created_time: z.string(),
  digest: digest(),
  created: z.string(),
  architecture: z.string(),
  os: z.string(),
  config: imageConfigSchema(),
  layers: z.array(digest()).check(z.minLength(1)),
}));

export type ImageRecord = z.infer<ReturnType<typeof imageRecordSchema>>;
