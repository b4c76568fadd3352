import { expect, test } from 'bun:test';
import { formatAge, formatLocalIso, formatLocalTime, formatSize, parseSize } from '../../src/common/format.ts';
import { formatTable } from '../../src/common/table.ts';

test('sizes print as the seed shows them', () => {
  expect(formatSize(0)).toBe('0B');
  expect(formatSize(500)).toBe('500B');
  expect(formatSize(1023)).toBe('1023B');
  expect(formatSize(2048)).toBe('2.0KB');
  expect(formatSize(2621440)).toBe('2.5MB');
  expect(formatSize(2 ** 30)).toBe('1.0GB');
  expect(formatSize(462584320)).toBe('441.2MB');
});

test('created_time is local YYYY-MM-DD HH:MM:SS', () => {
  expect(formatLocalTime(new Date(2026, 0, 4, 7, 5, 9))).toBe('2026-01-04 07:05:09');
});

test('created_time follows the zone across a daylight-saving change (offsets are cached per quarter hour)', () => {
  const tz = process.env.TZ;
  process.env.TZ = 'Europe/Berlin';
  try {
    // 2026-03-29 01:00 UTC: 02:00 CET becomes 03:00 CEST; 2026-10-25 01:00 UTC: 03:00 CEST becomes 02:00 CET.
    expect(formatLocalTime(new Date('2026-03-29T00:59:59Z'))).toBe('2026-03-29 01:59:59');
    expect(formatLocalTime(new Date('2026-03-29T01:00:00Z'))).toBe('2026-03-29 03:00:00');
    expect(formatLocalTime(new Date('2026-03-29T01:14:59Z'))).toBe('2026-03-29 03:14:59');
    expect(formatLocalTime(new Date('2026-10-25T00:59:59Z'))).toBe('2026-10-25 02:59:59');
    expect(formatLocalTime(new Date('2026-10-25T01:00:00Z'))).toBe('2026-10-25 02:00:00');
  } finally {
    if (tz === undefined) delete process.env.TZ;
    else process.env.TZ = tz;
  }
});

test('UTC named by TZ is told without the zone database; other zones still convert (each case its own quarter hour)', () => {
  const tz = process.env.TZ;
  try {
    const cases: Array<[string, string, string]> = [
      ['UTC', '2027-01-01T10:00:00Z', '2027-01-01 10:00:00'],
      ['Etc/UTC', '2027-01-02T10:00:00Z', '2027-01-02 10:00:00'],
      ['', '2027-01-03T10:00:00Z', '2027-01-03 10:00:00'],
      ['America/New_York', '2027-01-04T10:00:00Z', '2027-01-04 05:00:00'],
      ['Asia/Kolkata', '2027-01-05T10:00:00Z', '2027-01-05 15:30:00'],
      ['Etc/GMT+5', '2027-01-06T10:00:00Z', '2027-01-06 05:00:00'],
    ];
    for (const [zone, at, shown] of cases) {
      process.env.TZ = zone;
      expect(formatLocalTime(new Date(at))).toBe(shown);
      // The record's ISO text gives the same, by its slices in UTC and through a Date elsewhere.
      const iso = new Date(new Date(at).getTime() + 999).toISOString();
      expect(formatLocalIso(iso)).toBe(shown);
    }
  } finally {
    if (tz === undefined) delete process.env.TZ;
    else process.env.TZ = tz;
  }
});

test('ages read like Docker', () => {
  const now = new Date('2026-11-22T12:00:00Z');
  expect(formatAge(new Date('2026-11-20T12:00:00Z'), now)).toBe('2 days ago');
  expect(formatAge(new Date('2026-11-15T12:00:00Z'), now)).toBe('1 week ago');
  expect(formatAge(new Date('2026-11-22T11:59:00Z'), now)).toBe('1 minute ago');
  expect(formatAge(now, now)).toBe('just now');
});

test('Docker-style size flags parse', () => {
  expect(parseSize('256m')).toBe(256 * 1024 * 1024);
  expect(parseSize('1g')).toBe(1024 ** 3);
  expect(parseSize('512K')).toBe(512 * 1024);
  expect(parseSize('100')).toBe(100);
  expect(parseSize('1.5g')).toBe(1.5 * 1024 ** 3);
  expect(parseSize('12q')).toBeUndefined();
  expect(parseSize('')).toBeUndefined();
  expect(parseSize('-1m')).toBeUndefined();
});

test('tables align with two spaces and no trailing blanks', () => {
  const t = formatTable(['REPOSITORY', 'TAG', 'IMAGE ID'], [['busybox', 'latest', 'b38350bb'], ['alpine', '3.18', '']]);
  expect(t).toBe('REPOSITORY  TAG     IMAGE ID\nbusybox     latest  b38350bb\nalpine      3.18');
  // A wider cell in a later row widens its column for every row; a short row's last cell is not padded.
  expect(formatTable(['A', 'B', 'C'], [['x', 'y', 'z'], ['wide-cell', 'b'], []])).toBe('A          B  C\nx          y  z\nwide-cell  b\n');
});
