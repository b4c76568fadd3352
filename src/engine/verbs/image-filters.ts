import { UserError } from '../../common/errors.ts';
import type { ImageRecord } from '../image-store/record.ts';
import { allOf, boolValue, groupFilters, labelTest } from './filters.ts';

const KEYS = ['reference', 'dangling', 'label', 'before', 'since'] as const;

/** Docker's reference filter: a glob over NAME or NAME:TAG ("busy*", "*:v1"); "/" is not crossed by "*". */
function referenceTest(pattern: string): (r: ImageRecord) => boolean {
  const glob = new Bun.Glob(pattern);
  return (r) => r.name !== 'untagged' && (glob.match(r.name) || glob.match(`${r.name}:${r.tag}`));
}

/** `images --filter`: reference, dangling, label, before, since (an image whose creation time bounds the others'). */
export function imageFilter(filters: string[], resolve: (text: string) => ImageRecord): (r: ImageRecord) => boolean {
  const groups = groupFilters(filters, KEYS);
  const created = (text: string) => {
    try {
      return resolve(text).created;
    } catch (err) {
      if (err instanceof UserError) throw new UserError(`invalid filter: ${err.message}`);
      throw err;
    }
  };
  return allOf<ImageRecord>(groups, {
    reference: referenceTest,
    dangling: (v) => {
      const want = boolValue(v, 'dangling');
      return (r) => (r.name === 'untagged') === want;
    },
    label: (v) => {
      const test = labelTest(v);
      return (r) => test(r.config.Labels);
    },
    before: (v) => {
      const t = created(v);
      return (r) => r.created < t;
    },
    since: (v) => {
      const t = created(v);
      return (r) => r.created > t;
    },
  });
}
