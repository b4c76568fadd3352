/*
 * A container's log on disk (`output.log`): one record per line in the CRI
 * log format that conmon and Kubernetes write,
 *
 *   2026-01-02T03:04:05.123456789Z stdout F the line's bytes
 *
 * a fixed-width UTC time (so records sort and compare as text), the stream,
 * F for a record that ends a line or P for part of a longer one (a chunk
 * that had no newline yet), then the bytes without their newline. This keeps
 * stdout and stderr apart and gives every line its time (logs -t, --since,
 * --until). Containers made before this format have a raw `container.log`
 * (both streams, no times), which is still read (logs.ts).
 */
import { writeSync } from 'node:fs';
import { utcStamp } from '../../common/timestamp.ts';

export type LogStream = 'stdout' | 'stderr';

/** Offset of the F/P flag in a record: time (30), space, stream (6), space. */
export const FLAG_OFFSET = 38;

/**
 * The background monitor's copier for one stream (awk: about 0.5 MiB of
 * proportional memory each, against a Bun process's 30). awk's clock has
 * whole seconds, so these records' times do too. `-W interactive` makes
 * mawk read line by line instead of waiting for a full buffer; other awks
 * ignore it and fflush() does the rest. The record is one string printed
 * with one "%s": the two copiers append to the same file, and mawk's
 * unbuffered output writes each piece of a printf format apart, which
 * interleaved the streams' records field by field when both wrote at once.
 */
export const LOG_AWK = '{ printf "%s", strftime("%Y-%m-%dT%H:%M:%S.000000000Z", systime(), 1) " " s " F " $0 "\\n"; fflush() }';

/** Now, as a record's time (microseconds from the high-resolution clock). */
export function logNow(): string {
  return utcStamp(performance.timeOrigin + performance.now());
}

/** Writes records for chunks of output as rocker copies them (foreground runs). */
export class LogWriter {
  constructor(private readonly fd: number) {}

  write(stream: LogStream, chunk: Buffer): void {
    const time = logNow();
    const full = Buffer.from(`${time} ${stream} F `, 'latin1');
    let lines = 0;
    for (let nl = chunk.indexOf(0x0a); nl >= 0; nl = chunk.indexOf(0x0a, nl + 1)) lines++;
    const partial = chunk.length > 0 && chunk[chunk.length - 1] !== 0x0a;
    // One buffer, filled in place: a chatty container's output comes here in many chunks of many lines.
    const buf = Buffer.allocUnsafe(chunk.length + (lines + (partial ? 1 : 0)) * full.length + (partial ? 1 : 0));
    let out = 0;
    let start = 0;
    for (let nl = chunk.indexOf(0x0a); nl >= 0; nl = chunk.indexOf(0x0a, start)) {
      out += full.copy(buf, out);
      out += chunk.copy(buf, out, start, nl + 1);
      start = nl + 1;
    }
    if (partial) {
      out += buf.write(`${time} ${stream} P `, out, 'latin1');
      out += chunk.copy(buf, out, start);
      buf[out++] = 0x0a;
    }
    for (let off = 0; off < out; ) off += writeSync(this.fd, buf, off, out - off);
  }
}

export interface LogRecord {
  time: string;
  stream: LogStream;
  /** The bytes, with their newline when the record ends a line. */
  data: Buffer;
}

/** One record line (without its newline), or undefined when it is not one (a damaged line is skipped). */
export function parseRecord(line: Buffer): LogRecord | undefined {
  if (line.length < FLAG_OFFSET + 1 || line[30] !== 0x20 || line[37] !== 0x20) return undefined;
  const stream = line.toString('latin1', 31, 37);
  const flag = line[FLAG_OFFSET];
  if ((stream !== 'stdout' && stream !== 'stderr') || (flag !== 0x46 && flag !== 0x50)) return undefined;
  // "F " + bytes; an empty line may have lost the space after the flag.
  const body = line.subarray(Math.min(FLAG_OFFSET + 2, line.length));
  return { time: line.toString('latin1', 0, 30), stream, data: flag === 0x46 ? Buffer.concat([body, Buffer.from('\n')]) : body };
}
