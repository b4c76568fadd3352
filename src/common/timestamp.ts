/*
 * Docker's time arguments (`logs --since/--until`, filters): an RFC 3339
 * date or date-time (local time without a zone, as Docker), a Unix time in
 * seconds with an optional fraction, or a Go duration back from now (10m,
 * 1h30m, 1.5h). They come out as a fixed-width UTC string with nanoseconds
 * (`2026-01-02T03:04:05.123456789Z`), which sorts as the time does.
 */

const UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const DURATION = /^(\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/;
const UNIX = /^(\d+)(?:\.(\d{1,9}))?$/;
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:\d{2})?$/;

/** Fixed-width UTC text of `ms` since the epoch, with `fraction` (9 digits) as the sub-second part when given. */
export function utcStamp(ms: number, fraction?: string): string {
  const iso = new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19);
  const frac = fraction ?? String(Math.round((ms - Math.floor(ms / 1000) * 1000) * 1e6)).padStart(9, '0').slice(0, 9);
  return `${iso}.${frac}Z`;
}

/** Milliseconds in a Go duration such as `1h30m` or `1.5s`, or undefined when `text` is none. */
export function goDurationMs(text: string): number | undefined {
  if (!DURATION.test(text)) return undefined;
  let ms = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) ms += Number(m[1]) * UNITS[m[2]!]!;
  return ms;
}

/** `text` as the fixed-width UTC string, or undefined when it is no time Docker accepts. */
export function parseDockerTime(text: string, now = Date.now()): string | undefined {
  const unix = UNIX.exec(text);
  if (unix) return utcStamp(Number(unix[1]) * 1000, (unix[2] ?? '').padEnd(9, '0'));
  const rel = goDurationMs(text);
  if (rel !== undefined) return utcStamp(now - rel);
  const m = DATE_TIME.exec(text);
  if (!m) return undefined;
  const [, date, hm, sec, frac, zone] = m;
  // Without a zone Date() takes a date-time as local time, which is Docker's rule; a bare date it would take as UTC.
  const ms = new Date(`${date}T${hm ?? '00:00'}:${sec ?? '00'}${zone ?? ''}`).getTime();
  if (Number.isNaN(ms)) return undefined;
  return utcStamp(ms, (frac ?? '').padEnd(9, '0'));
}
