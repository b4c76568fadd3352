import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';

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
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/** Writes all of `buf`, waiting out EAGAIN on a non-blocking pipe. */
function writeAll(fd: number, buf: Buffer): void {
  for (let off = 0; off < buf.length; ) {
    try {
      off += writeSync(fd, buf, off);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}

/**
 * Runs the runtime attached to our terminal or pipes and returns the exit
 * status it reports (the container's; 128+N for a signal). The runtime runs
 * in its own session so that signals reach the container once, through us:
 * we forward the ones sent to rocker (Ctrl-C, SIGTERM) and, with a tty, the
 * window-size changes that runc applies to the container's terminal. Output
 * is copied synchronously to our stdout/stderr and the log, so nothing of
 * the tail is lost when the container ends.
 */
export function runAttached(binary: string, args: string[], opts: AttachOptions): Promise<number> {
  const logFd = opts.logFile ? openSync(opts.logFile, 'a') : undefined;
  const child: ChildProcess = spawn(binary, args, {
    stdio: opts.tty ? 'inherit' : [opts.stdin ? 'inherit' : 'ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const forward = (sig: NodeJS.Signals) => () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
  };
  const handlers = FORWARDED.map((s) => [s, forward(s)] as const);
  if (opts.tty) handlers.push(['SIGWINCH', forward('SIGWINCH')]);
  for (const [s, h] of handlers) process.on(s, h);

  const base = binary.slice(binary.lastIndexOf('/') + 1);
  const filter = new RuntimeMessageFilter([`${base} run failed: `, `${base} exec failed: `]);
  const copy = (fd: number, data: Buffer) => {
    if (data.length === 0) return;
    try {
      writeAll(fd, data);
    } catch {
      // our own output closed (e.g. `| head`): keep logging
    }
    if (logFd !== undefined) writeAll(logFd, data);
  };
  child.stdout?.on('data', (d: Buffer) => copy(1, d));
  child.stderr?.on('data', (d: Buffer) => copy(2, filter.push(d)));

  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      copy(2, filter.flush());
      for (const [s, h] of handlers) process.off(s, h);
      if (logFd !== undefined) closeSync(logFd);
      resolve(code ?? 128 + (signal ? (osSignals[signal] ?? 1) : 1));
    });
  });
}

const osSignals: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15 };
