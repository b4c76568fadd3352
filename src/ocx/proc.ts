import { spawn, type StdioOptions } from 'node:child_process';

export interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion, capturing its output. A missing binary gives code 127. */
export function capture(cmd: string, args: string[], env?: NodeJS.ProcessEnv): Promise<Captured> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', (err) => resolve({ code: 127, stdout, stderr: stderr || err.message }));
    child.on('close', (code, signal) => resolve({ code: code ?? 128 + signalNumber(signal), stdout, stderr }));
  });
}

const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15 };
const signalNumber = (s: NodeJS.Signals | null) => (s ? SIGNALS[s] ?? 1 : 1);

/**
 * Runs a command with our stdio and returns its exit code. While it runs,
 * Ctrl-C belongs to the child (the terminal sends it to both), so ocx waits
 * and passes the child's own exit code on.
 */
export function passthrough(cmd: string, args: string[], stdoutToStderr = false): Promise<number> {
  return supervise(cmd, args, stdoutToStderr ? ['ignore', 2, 2] : 'inherit');
}

/**
 * Like passthrough, with all output on our stderr, and its last lines kept:
 * a failed build's log says which step failed and how.
 */
export async function passthroughTail(cmd: string, args: string[], keep = 60): Promise<{ code: number; tail: string[] }> {
  let tail: string[] = [];
  let partial = '';
  const code = await supervise(cmd, args, ['ignore', 'pipe', 'pipe'], (chunk) => {
    process.stderr.write(chunk);
    const parts = (partial + chunk.toString('utf8')).split(/\r?\n/);
    partial = parts.pop() ?? '';
    tail = [...tail, ...parts].slice(-keep);
  });
  return { code, tail: partial ? [...tail, partial] : tail };
}

function supervise(cmd: string, args: string[], stdio: StdioOptions, onOutput?: (chunk: Buffer) => void): Promise<number> {
  return new Promise((resolve) => {
    const ignore = () => undefined;
    for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, ignore);
    const child = spawn(cmd, args, { stdio });
    if (onOutput) {
      child.stdout?.on('data', onOutput);
      child.stderr?.on('data', onOutput);
    }
    const done = (code: number) => {
      for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.off(s, ignore);
      resolve(code);
    };
    child.on('error', (err) => {
      process.stderr.write(`ocx: cannot run ${cmd}: ${err.message}\n`);
      done(127);
    });
    child.on('close', (code, signal) => done(code ?? 128 + signalNumber(signal)));
  });
}
