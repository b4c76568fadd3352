import { UserError } from '../../common/errors.ts';

/**
 * `--filter KEY=VALUE` flags, grouped by key: Docker's rule is that values of
 * one key are alternatives (OR) and different keys must all hold (AND).
 * Keys outside `known` are refused, naming the filter.
 */
export function groupFilters(filters: string[], known: readonly string[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const f of filters) {
    const eq = f.indexOf('=');
    const key = eq < 0 ? f : f.slice(0, eq).trim().toLowerCase();
    if (eq < 0 || !known.includes(key)) {
      throw new UserError(`invalid filter "${f}": use KEY=VALUE with KEY one of ${known.join(', ')}`);
    }
    groups.set(key, [...(groups.get(key) ?? []), f.slice(eq + 1)]);
  }
  return groups;
}

/** A predicate that holds when every key's test passes for one of that key's values. */
export function allOf<T>(groups: Map<string, string[]>, tests: Record<string, (value: string) => (item: T) => boolean>): (item: T) => boolean {
  const checks = [...groups].map(([key, values]) => values.map((v) => tests[key]!(v)));
  return (item) => checks.every((alternatives) => alternatives.some((test) => test(item)));
}

/** `label=KEY` (present) or `label=KEY=VALUE`. */
export function labelTest(value: string): (labels: Record<string, string> | null | undefined) => boolean {
  const eq = value.indexOf('=');
  const key = eq < 0 ? value : value.slice(0, eq);
  return (labels) => !!labels && Object.hasOwn(labels, key) && (eq < 0 || labels[key] === value.slice(eq + 1));
}

/** Docker matches names as regular expressions; a bad one is the user's one-line error. */
export function regexTest(value: string, what: string): RegExp {
  try {
    return new RegExp(value);
  } catch {
    throw new UserError(`invalid filter "${what}=${value}": not a valid regular expression`);
  }
}

/** `true`/`false` (and 1/0) for boolean filters such as dangling. */
export function boolValue(value: string, what: string): boolean {
  if (/^(true|1)$/i.test(value)) return true;
  if (/^(false|0)$/i.test(value)) return false;
  throw new UserError(`invalid filter "${what}=${value}": expected true or false`);
}
