import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { utcStamp } from '../../common/timestamp.ts';
import type { StorePaths } from '../paths.ts';
import { FLAG_OFFSET, parseRecord, type LogStream } from './log-format.ts';
import type { ContainerRecord } from './record.ts';
import { containerStatus } from './status.ts';
import { containerFiles } from './store.ts';

export type LogWrite = (stream: LogStream, chunk: Uint8Array) => Promise<void>;

/** What `logs` prints: the last `tail` lines, records from `since` and before `until` (fixed-width UTC), with their times. */
export interface LogQuery {
  tail?: number;
  since?: string;
  until?: string;
  timestamps?: boolean;
}

const CHUNK = 64 * 1024;

function openOr(path: string): number | undefined {
  try {
    return openSync(path, 'r');
  } catch {
    return undefined;
  }
}

/** Runs `use` on the open file at `path` (nothing when it does not exist), closing it after. */
async function withFile<T>(path: string, use: (fd: number, size: number) => Promise<T>): Promise<T | undefined> {
  const fd = openOr(path);
  if (fd === undefined) return undefined;
  try {
    return await use(fd, fstatSync(fd).size);
  } finally {
    closeSync(fd);
  }
}

/** Offsets of the lines that start before `size`, last first (a line's start follows a newline). */
function* lineStartsBackwards(fd: number, size: number): Generator<number> {
  const buf = Buffer.alloc(CHUNK);
  let pos = size;
  while (pos > 0) {
    const len = Math.min(CHUNK, pos);
    pos -= len;
    readSync(fd, buf, 0, len, pos);
    for (let i = len - 1; i >= 0; i--) if (buf[i] === 0x0a && pos + i !== size - 1) yield pos + i + 1;
  }
  if (size > 0) yield 0;
}

/**
 * Where the last `lines` lines start, and how many lines were found (fewer
 * when the file has fewer). Raw logs: a final line without newline counts
 * as one. Records: a line ends with an F record (or with the last record,
 * still partial), so P records join the line they start.
 */
function tailStart(fd: number, size: number, lines: number, raw: boolean): { start: number; found: number } {
  if (lines === 0) return { start: size, found: 0 };
  let seen = 0;
  let next = size;
  const flag = Buffer.alloc(1);
  for (const start of lineStartsBackwards(fd, size)) {
    const ends = raw || next === size || (readSync(fd, flag, 0, 1, start + FLAG_OFFSET) === 1 && flag[0] === 0x46);
    if (ends && seen++ === lines) return { start: next, found: lines };
    next = start;
  }
  return { start: 0, found: seen };
}

/** Prints records from `from` up to the last complete one before `to`; returns where it stopped. */
async function copyRecords(fd: number, from: number, to: number, q: LogQuery, state: { lineStart: Record<LogStream, boolean> }, write: LogWrite): Promise<number> {
  const buf = Buffer.alloc(CHUNK);
  let pos = from;
  let carry = Buffer.alloc(0);
  while (pos < to) {
    const n = readSync(fd, buf, 0, Math.min(CHUNK, to - pos), pos);
    if (n <= 0) break;
    pos += n;
    const data = carry.length ? Buffer.concat([carry, buf.subarray(0, n)]) : Buffer.from(buf.subarray(0, n));
    let start = 0;
    for (let nl = data.indexOf(0x0a); nl >= 0; nl = data.indexOf(0x0a, start)) {
      const r = parseRecord(data.subarray(start, nl));
      start = nl + 1;
      if (!r || (q.since && r.time < q.since) || (q.until && r.time >= q.until)) continue;
      const stamp = q.timestamps && state.lineStart[r.stream] ? `${r.time} ` : '';
      state.lineStart[r.stream] = r.data.at(-1) === 0x0a;
      await write(r.stream, stamp ? Buffer.concat([Buffer.from(stamp), r.data]) : r.data);
    }
    carry = data.subarray(start);
  }
  // A record still being written is read again next time.
  return pos - carry.length;
}

async function copyRaw(fd: number, from: number, to: number, write: LogWrite): Promise<number> {
  const buf = Buffer.alloc(CHUNK);
  let pos = from;
  while (pos < to) {
    const n = readSync(fd, buf, 0, Math.min(CHUNK, to - pos), pos);
    if (n <= 0) break;
    await write('stdout', Buffer.from(buf.subarray(0, n)));
    pos += n;
  }
  return pos;
}

/**
 * A reader of one container's log that remembers where it got to (for
 * following). A container made by an older rocker has a raw container.log
 * (stdout only, no times: --since and --until do not apply to it); if a
 * newer rocker started it again, its records follow in output.log. The raw
 * log is the older part, and only one of the two grows at a time.
 */
export class LogReader {
  private rawOffset: number | undefined;
  private offset: number | undefined;
  private readonly state = { lineStart: { stdout: true, stderr: true } as Record<LogStream, boolean> };
  private readonly files: ReturnType<typeof containerFiles>;
  constructor(
    private readonly paths: StorePaths,
    private readonly rec: ContainerRecord,
    private readonly q: LogQuery,
  ) {
    this.files = containerFiles(paths, rec.id);
  }

  /** Skips what is in the log now (attach: only what comes from now on). */
  async skipToEnd(): Promise<void> {
    this.rawOffset = (await withFile(this.files.rawLog, async (_fd, size) => size)) ?? 0;
    this.offset = (await withFile(this.files.log, async (_fd, size) => size)) ?? 0;
  }

  /** The first read's starting points: --tail's lines from the records, the rest of them from the raw log. */
  private async start(): Promise<void> {
    const tail = this.q.tail;
    const records = (await withFile(this.files.log, async (fd, size) => (tail === undefined ? { start: 0, found: 0 } : tailStart(fd, size, tail, false)))) ?? { start: 0, found: 0 };
    this.offset = records.start;
    const rawLines = tail === undefined ? undefined : tail - records.found;
    this.rawOffset = (await withFile(this.files.rawLog, async (fd, size) => (rawLines === undefined ? 0 : tailStart(fd, size, rawLines, true).start))) ?? 0;
  }

  /** Writes what the log holds beyond where the last read stopped (the first read honours --tail). */
  async read(write: LogWrite): Promise<void> {
    if (this.offset === undefined || this.rawOffset === undefined) await this.start();
    const rawFrom = this.rawOffset!;
    const from = this.offset!;
    this.rawOffset = (await withFile(this.files.rawLog, (fd, size) => copyRaw(fd, rawFrom, size, write))) ?? rawFrom;
    this.offset = (await withFile(this.files.log, (fd, size) => copyRecords(fd, from, size, this.q, this.state, write))) ?? from;
  }

  /** Writes what the container adds to its log until it has ended and everything is out. */
  async follow(write: LogWrite): Promise<void> {
    for (;;) {
      // Status first: output written before the end is then surely in the file when we read it below.
      const s = containerStatus(this.paths, this.rec);
      const done = s.state === 'exited' && (s.exitCode !== undefined || !s.monitorAlive);
      await this.read(write);
      if (done || (this.q.until && utcStamp(Date.now()) >= this.q.until)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** The whole log as text, both streams in the order written (a failed build step's report). */
export async function loggedText(paths: StorePaths, rec: ContainerRecord): Promise<string> {
  const parts: Uint8Array[] = [];
  await new LogReader(paths, rec, {}).read(async (_s, b) => void parts.push(b));
  return Buffer.concat(parts).toString('utf8');
}
