import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { StorePaths } from '../paths.ts';
import type { ContainerRecord } from './record.ts';
import { containerStatus } from './status.ts';
import { containerFiles } from './store.ts';

type Write = (chunk: Uint8Array) => Promise<void>;
const CHUNK = 64 * 1024;

function openLog(paths: StorePaths, rec: ContainerRecord): number | undefined {
  try {
    return openSync(containerFiles(paths, rec.id).log, 'r');
  } catch {
    return undefined;
  }
}

/** Where the last `lines` lines start (a final line without newline counts as one). */
function tailStart(fd: number, size: number, lines: number): number {
  if (lines === 0) return size;
  let pos = size;
  let seen = 0;
  const buf = Buffer.alloc(CHUNK);
  while (pos > 0) {
    const len = Math.min(CHUNK, pos);
    pos -= len;
    readSync(fd, buf, 0, len, pos);
    for (let i = len - 1; i >= 0; i--) {
      // The newline that ends the file does not start a line.
      if (buf[i] === 0x0a && pos + i !== size - 1 && ++seen === lines) return pos + i + 1;
    }
  }
  return 0;
}

async function copyRange(fd: number, from: number, to: number, write: Write): Promise<number> {
  const buf = Buffer.alloc(CHUNK);
  let pos = from;
  while (pos < to) {
    const n = readSync(fd, buf, 0, Math.min(CHUNK, to - pos), pos);
    if (n <= 0) break;
    await write(buf.subarray(0, n));
    pos += n;
  }
  return pos;
}

/** Writes the log (or its last `tail` lines); returns the offset reached, for following. */
export async function readLog(paths: StorePaths, rec: ContainerRecord, tail: number | undefined, write: Write): Promise<number> {
  const fd = openLog(paths, rec);
  if (fd === undefined) return 0;
  try {
    const size = fstatSync(fd).size;
    return await copyRange(fd, tail === undefined ? 0 : tailStart(fd, size, tail), size, write);
  } finally {
    closeSync(fd);
  }
}

/** Writes what the container adds to its log from `offset` on, until it has ended and everything is out. */
export async function followLog(paths: StorePaths, rec: ContainerRecord, offset: number, write: Write): Promise<void> {
  let pos = offset;
  for (;;) {
    // Status first: output written before the end is then surely in the file when we read it below.
    const s = containerStatus(paths, rec);
    const done = s.state === 'exited' && (s.exitCode !== undefined || !s.monitorAlive);
    const fd = openLog(paths, rec);
    if (fd === undefined) return;
    try {
      pos = await copyRange(fd, pos, fstatSync(fd).size, write);
    } finally {
      closeSync(fd);
    }
    if (done) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}
