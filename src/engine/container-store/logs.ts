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

/** The log and whether it is the raw one of containers made before per-line records (stdout only, no times). */
function openLog(paths: StorePaths, rec: ContainerRecord): { fd: number; raw: boolean } | undefined {
  const f = containerFiles(paths, rec.id);
  for (const [path, raw] of [[f.log, false], [f.rawLog, true]] as const) {
    try {
      return { fd: openSync(path, 'r'), raw };
    } catch {
      // try the next
    }
  }
  return undefined;
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
 * Where the last `lines` lines start. Raw logs: a final line without
 * newline counts as one. Records: a line ends with an F record (or with
 * the last record, still partial), so P records join the line they start.
 */
function tailStart(fd: number, size: number, lines: number, raw: boolean): number {
  if (lines === 0) return size;
  let seen = 0;
  let next = size;
  const flag = Buffer.alloc(1);
  for (const start of lineStartsBackwards(fd, size)) {
    const ends = raw || next === size || (readSync(fd, flag, 0, 1, start + FLAG_OFFSET) === 1 && flag[0] === 0x46);
    if (ends && seen++ === lines) return next;
    next = start;
  }
  return 0;
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

/** A reader of one container's log that remembers where it got to (for following). */
export class LogReader {
  private offset: number | undefined;
  private readonly state = { lineStart: { stdout: true, stderr: true } as Record<LogStream, boolean> };
  constructor(
    private readonly paths: StorePaths,
    private readonly rec: ContainerRecord,
    private readonly q: LogQuery,
  ) {}

  /** Skips what is in the log now (attach: only what comes from now on). */
  skipToEnd(): void {
    const log = openLog(this.paths, this.rec);
    if (!log) return;
    try {
      this.offset = fstatSync(log.fd).size;
    } finally {
      closeSync(log.fd);
    }
  }

  /** Writes what the log holds beyond where the last read stopped (the first read honours --tail). */
  async read(write: LogWrite): Promise<void> {
    const log = openLog(this.paths, this.rec);
    if (!log) return;
    try {
      const size = fstatSync(log.fd).size;
      const from = this.offset ?? (this.q.tail === undefined ? 0 : tailStart(log.fd, size, this.q.tail, log.raw));
      // Raw logs have no times: --since and --until do not apply to them.
      this.offset = log.raw ? await copyRaw(log.fd, from, size, write) : await copyRecords(log.fd, from, size, this.q, this.state, write);
    } finally {
      closeSync(log.fd);
    }
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
