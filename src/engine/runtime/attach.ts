import { closeSync, openSync } from 'node:fs';
import { writeAll } from '../../common/write-all.ts';
import { constants } from 'node:os';
import type { FileSink } from 'bun';
import { LogWriter } from '../container-store/log-format.ts';

const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];

/**
 * Drops the runtime's own "runc run failed: ..." lines from the stream the
 * container shares with it (rocker prints its own one-line error instead),
 * holding back only a line start that could still become such a line.
 */
export class RuntimeMessageFilter {
  private pending = '';
  private atLineStart = true;
  private dropping = false;
  constructor(private readonly markers: string[]) {}

  push(chunk: Buffer): Buffer {
    let text = this.pending + chunk.toString('latin1');
    this.pending = '';
    let out = '';
    while (text.length > 0) {
      if (this.dropping) {
        const nl = text.indexOf('\n');
        if (nl < 0) return Buffer.from(out, 'latin1');
        text = text.slice(nl + 1);
        this.dropping = false;
        this.atLineStart = true;
        continue;
      }
      if (this.atLineStart) {
        const nl = text.indexOf('\n');
        const line = nl < 0 ? text : text.slice(0, nl + 1);
        if (this.markers.some((m) => line.startsWith(m))) {
          this.dropping = true;
          continue;
        }
        if (nl < 0 && this.markers.some((m) => m.startsWith(line))) {
          this.pending = line; // might be the start of a marker
          return Buffer.from(out, 'latin1');
        }
      }
      const nl = text.indexOf('\n');
      if (nl < 0) {
        out += text;
        this.atLineStart = false;
        break;
      }
      out += text.slice(0, nl + 1);
      text = text.slice(nl + 1);
      this.atLineStart = true;
    }
    return Buffer.from(out, 'latin1');
  }

  flush(): Buffer {
    const rest = this.dropping ? '' : this.pending;
    this.pending = '';
    return Buffer.from(rest, 'latin1');
  }
}

export interface AttachOptions {
  stdin: boolean;
  tty: boolean;
  /** Also append the output here (the container's log). */
  logFile?: string;
  /** Copy the output to our stdout and stderr (default); false keeps it in the log only. */
  echo?: boolean;
  /** Called once the runtime's process exists: work that can overlap its start. */
  onSpawned?: () => void;
}

/** The keys a terminal turns into signals (^C, ^\\): all that -t without -i lets through. */
const SIGNAL_KEYS = new Set([0x03, 0x1c]);

/**
 * -t without -i: runc copies whatever its stdin holds into the container's
 * terminal, which echoes it (an end-of-file from the terminal came out as a
 * stray "^@"). Docker forwards no input then, so runc gets a pipe that only
 * ever carries the interrupt and quit keys: the user's terminal is raw while
 * runc runs, and these keys are how Ctrl-C still reaches the container.
 * Returns the function that stops reading.
 */
function forwardSignalKeys(sink: FileSink): () => void {
  if (!process.stdin.isTTY) return () => sink.end();
  const onData = (chunk: Buffer) => {
    const keys = chunk.filter((b) => SIGNAL_KEYS.has(b));
    if (keys.length === 0) return;
    sink.write(keys);
    sink.flush();
  };
  process.stdin.on('data', onData);
  return () => {
    process.stdin.off('data', onData);
    process.stdin.pause();
    sink.end();
  };
}

/** Whether we have a controlling terminal (runc's fallback when no stdio is one). */
function hasControllingTerminal(): boolean {
  try {
    closeSync(openSync('/dev/tty', 'r'));
    return true;
  } catch {
    return false;
  }
}

/**
 * With -t runc needs a terminal of ours to take its settings from (one of
 * its stdio, else /dev/tty). Run from CI, cron or `setsid` with everything
 * redirected there is none, and Docker still gives the container its
 * terminal: so we hand runc a pseudo-terminal of our own as its stdin
 * (-i without a terminal was refused before) and copy its output as usual.
 */
async function needsOwnTerminal(opts: AttachOptions): Promise<boolean> {
  if (!opts.tty) return false;
  const { isatty } = await import('node:tty');
  if (isatty(1) || isatty(2) || (opts.stdin && isatty(0))) return false;
  return !hasControllingTerminal();
}

/**
 * runc clears ONLCR on the container's terminal and leaves the newline
 * translation to the terminal it copies to; with our own pseudo-terminal
 * the output goes to a pipe, so we translate as that terminal would
 * (Docker's -t output has \r\n wherever it goes).
 */
const onlcr = (b: Buffer): Buffer => (b.includes(0x0a) ? Buffer.from(b.toString('latin1').replaceAll('\n', '\r\n'), 'latin1') : b);

/**
 * Runs the runtime attached to our terminal or pipes and returns the exit
 * status it reports (the container's; 128+N for a signal). The runtime runs
 * in its own session so that signals reach the container once, through us:
 * we forward the ones sent to rocker (Ctrl-C, SIGTERM) and, with a tty, the
 * window-size changes that runc applies to the container's terminal. Output
 * is copied synchronously to our stdout/stderr and the log, so nothing of
 * the tail is lost when the container ends.
 */
export async function runAttached(binary: string, args: string[], opts: AttachOptions): Promise<number> {
  const logFd = opts.logFile ? openSync(opts.logFile, 'a') : undefined;
  const log = logFd === undefined ? undefined : new LogWriter(logFd);
  // Loaded only then: bun:ffi's set-up costs every other run time for nothing.
  const pty = (await needsOwnTerminal(opts)) ? (await import('../sys/libc.ts')).openPty() : undefined;
  const relayed = opts.tty && !pty;
  // Bun.spawn rather than node:child_process: about 5 ms less on every container start.
  const child = Bun.spawn([binary, ...args], {
    stdin: pty ? pty.slave : opts.stdin ? 'inherit' : opts.tty ? 'pipe' : 'ignore',
    stdout: relayed ? 'inherit' : 'pipe',
    stderr: relayed ? 'inherit' : 'pipe',
    detached: true,
  });
  if (pty) closeSync(pty.slave);
  opts.onSpawned?.();
  let done = false;
  const forward = (sig: NodeJS.Signals) => () => {
    if (!done) child.kill(sig);
  };
  const handlers = FORWARDED.map((s) => [s, forward(s)] as const);
  if (opts.tty) handlers.push(['SIGWINCH', forward('SIGWINCH')]);
  for (const [s, h] of handlers) process.on(s, h);
  const stopKeys = relayed && !opts.stdin ? forwardSignalKeys(child.stdin as FileSink) : undefined;

  const base = binary.slice(binary.lastIndexOf('/') + 1);
  const filter = new RuntimeMessageFilter([`${base} run failed: `, `${base} exec failed: `]);
  const copy = (fd: number, data: Buffer) => {
    if (data.length === 0) return;
    try {
      if (opts.echo !== false) writeAll(fd, data);
    } catch {
      // our own output closed (e.g. `| head`): keep logging
    }
    log?.write(fd === 1 ? 'stdout' : 'stderr', data);
  };
  const pump = async (stream: ReadableStream<Uint8Array> | number | undefined, each: (b: Buffer) => void) => {
    if (!(stream instanceof ReadableStream)) return;
    for await (const chunk of stream) each(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  };
  try {
    await Promise.all([
      child.exited,
      pump(child.stdout, (b) => copy(1, pty ? onlcr(b) : b)),
      pump(child.stderr, (b) => copy(2, filter.push(b))),
    ]);
    copy(2, filter.flush());
  } finally {
    done = true;
    stopKeys?.();
    for (const [s, h] of handlers) process.off(s, h);
    if (logFd !== undefined) closeSync(logFd);
    if (pty) closeSync(pty.master);
  }
  if (child.exitCode !== null) return child.exitCode;
  const signal = child.signalCode as NodeJS.Signals | null;
  return 128 + ((signal && constants.signals[signal]) || 1);
}
