import { readlinkSync } from 'node:fs';

/**
 * Sizes as the seed prints them: 1024-based, one decimal, no space
 * (500 -> 500B, 2048 -> 2.0KB, 2621440 -> 2.5MB, 2^30 -> 1.0GB).
 * Written here rather than taken from a library because the seed fixes the
 * exact text and no size library prints "500B" next to "2.0KB".
 */
export function formatSize(bytes: number): string {
  const units = ['KB', 'MB', 'GB', 'TB'];
  if (bytes < 1024) return `${bytes}B`;
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)}${units[i]}`;
}

const two = (n: number) => String(n).padStart(2, '0');

/** The local zone's offset (minutes, getTimezoneOffset's sign) per quarter hour: zones change offset only on quarter hours. */
const offsets = new Map<number, number>();

const UTC_NAME = /^:?(Etc\/)?(UTC|UCT|Universal|Zulu|GMT)([+-]?0)?$/;
let localtimeIsUtc: boolean | undefined;

/**
 * Whether local time is UTC, told without loading the time-zone database
 * (the first getTimezoneOffset costs ~5 ms, more than a listing's other
 * work): TZ names UTC, or TZ is unset and /etc/localtime is UTC's or absent,
 * as on most servers and CI machines. Anything else asks the database.
 */
function zoneIsUtc(): boolean {
  const tz = process.env.TZ;
  if (tz !== undefined) return tz === '' || UTC_NAME.test(tz);
  if (localtimeIsUtc === undefined) {
    try {
      localtimeIsUtc = UTC_NAME.test(readlinkSync('/etc/localtime').split('zoneinfo/').pop()!);
    } catch (err) {
      localtimeIsUtc = (err as NodeJS.ErrnoException).code === 'ENOENT';
    }
  }
  return localtimeIsUtc;
}

/**
 * Local `YYYY-MM-DD HH:MM:SS`, the seed's created_time format. One local-time
 * conversion per quarter hour, the rest by UTC arithmetic: six local getters
 * for each of `ps -a`'s 1,000 rows cost more than the rest of the listing.
 */
export function formatLocalTime(d: Date): string {
  const t = d.getTime();
  if (Number.isNaN(t)) return 'NaN-NaN-NaN NaN:NaN:NaN';
  const q = Math.floor(t / 900_000);
  let off = offsets.get(q);
  if (off === undefined) {
    off = zoneIsUtc() ? 0 : d.getTimezoneOffset();
    offsets.set(q, off);
  }
  const l = new Date(t - off * 60_000);
  return `${l.getUTCFullYear()}-${two(l.getUTCMonth() + 1)}-${two(l.getUTCDate())} ${two(l.getUTCHours())}:${two(l.getUTCMinutes())}:${two(l.getUTCSeconds())}`;
}

/**
 * formatLocalTime of an ISO 8601 UTC time as toISOString writes it. In UTC,
 * the usual zone of servers, that is two slices of the text: no Date for
 * each of `ps -a`'s rows.
 */
export function formatLocalIso(iso: string): string {
  if (iso.length === 24 && iso[10] === 'T' && iso[23] === 'Z' && zoneIsUtc()) return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
  return formatLocalTime(new Date(iso));
}

/** "2 days ago", "1 week ago", "just now": Docker's relative ages. */
export function formatAge(then: Date, now: Date = new Date()): string {
  const s = Math.max(0, Math.floor((now.getTime() - then.getTime()) / 1000));
  const steps: Array<[number, string]> = [
    [365 * 86400, 'year'], [30 * 86400, 'month'], [7 * 86400, 'week'],
    [86400, 'day'], [3600, 'hour'], [60, 'minute'], [1, 'second'],
  ];
  for (const [secs, unit] of steps) {
    const n = Math.floor(s / secs);
    if (n >= 1) return `${n} ${unit}${n === 1 ? '' : 's'} ago`;
  }
  return 'just now';
}

/**
 * Docker-style size flags: "256m", "1g", "512k", "1024" (bytes), "1.5g".
 * Returns bytes or undefined when the text is not a size.
 */
export function parseSize(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([bkmgt]?)b?$/i.exec(text.trim());
  if (!m) return undefined;
  const mult: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };
  const n = Math.floor(Number(m[1]) * (mult[(m[2] ?? '').toLowerCase()] ?? 1));
  return Number.isFinite(n) ? n : undefined;
}

/** Docker's units.HumanDuration, for "Up 5 minutes": "Less than a second", "About a minute", "3 hours"... */
export function humanDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  const m = Math.floor(s / 60);
  const h = Math.floor(m / 60);
  if (s < 1) return 'Less than a second';
  if (s === 1) return '1 second';
  if (s < 60) return `${s} seconds`;
  if (m === 1) return 'About a minute';
  if (m < 60) return `${m} minutes`;
  if (h === 1) return 'About an hour';
  if (h < 48) return `${h} hours`;
  if (h < 24 * 7 * 2) return `${Math.floor(h / 24)} days`;
  if (h < 24 * 30 * 2) return `${Math.floor(h / 24 / 7)} weeks`;
  if (h < 24 * 365 * 2) return `${Math.floor(h / 24 / 30)} months`;
  return `${Math.floor(h / 24 / 365)} years`;
}

/** Go's time.Time String() in local time: "2026-11-23 13:04:47 +0000 UTC", as Docker's CreatedAt. */
export function formatGoTime(d: Date): string {
  const off = -d.getTimezoneOffset();
  const sign = off < 0 ? '-' : '+';
  const hhmm = `${String(Math.floor(Math.abs(off) / 60)).padStart(2, '0')}${String(Math.abs(off) % 60).padStart(2, '0')}`;
  const zone = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(d).find((p) => p.type === 'timeZoneName')?.value ?? '';
  return `${formatLocalTime(d)} ${sign}${hhmm} ${zone}`;
}
