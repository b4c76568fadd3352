import { UserError } from '../../common/errors.ts';

/** Go durations as Docker's health flags take them: 30s, 1m30s, 500ms, 1h. Milliseconds. */
export function parseDuration(text: string, flag: string): number {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) throw new UserError(`invalid ${flag} "${text}": use a duration such as 30s, 1m30s or 500ms`, 125);
  const unit: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  return parts.reduce((ms, p) => ms + Number(p[1]) * unit[p[2]!]!, 0);
}
