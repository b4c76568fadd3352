// Runs the real bin/ocx as a subprocess, in a temporary $HOME with projects in it.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { docker, REPO, TEST_CACHE } from './docker.ts';

export const OCX = join(REPO, 'bin', 'ocx');

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

let scratch: string | undefined;
/**
 * /var/tmp/ocx-e2e-<pid>: this test process's homes and projects, removed by
 * a watchdog once the process is gone (bun test runs no exit hooks).
 */
function scratchRoot(): string {
  if (scratch) return scratch;
  scratch = `/var/tmp/ocx-e2e-${process.pid}`;
  mkdirSync(scratch, { recursive: true });
  spawn('sh', ['-c', 'while kill -0 "$1" 2>/dev/null; do sleep 1; done; rm -rf "$2"', 'ocx-e2e-cleanup', String(process.pid), scratch],
    { stdio: 'ignore', detached: true }).unref();
  return scratch;
}

let built = false;
/** bin/ocx runs dist/ocx: build it once per test process so the tests run this tree's code. */
export function buildOcx(): void {
  if (built) return;
  const r = spawnSync('node', [join(REPO, 'scripts', 'build.mjs'), 'ocx'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`build failed: ${r.stderr}`);
  built = true;
}

export interface Sandbox {
  home: string;
  env: NodeJS.ProcessEnv;
  /** A project directory under $HOME with an ocx.json (network host: the test engine has no bridge). */
  project: (name: string, cfg?: Record<string, unknown>) => string;
}

/**
 * A fresh $HOME whose OpenCode binary cache is shared between tests and runs,
 * so each version is downloaded once. OpenCode comes from the npm registry.
 */
export function sandbox(extraEnv: Record<string, string> = {}, withDocker = true): Sandbox {
  buildOcx();
  const home = mkdtempSync(join(scratchRoot(), 'home-'));
  const shared = join(TEST_CACHE, 'opencode');
  mkdirSync(shared, { recursive: true });
  mkdirSync(join(home, '.cache', 'ocx'), { recursive: true });
  symlinkSync(shared, join(home, '.cache', 'ocx', 'opencode'));
  const base: NodeJS.ProcessEnv = withDocker ? docker().env : { ...process.env };
  const env: NodeJS.ProcessEnv = { ...base, HOME: home, USER: 'ocxuser', OCX_OPENCODE_SOURCE: 'npm', ...extraEnv };
  for (const k of Object.keys(env)) if (k.startsWith('OCX_') && !(k in extraEnv) && k !== 'OCX_OPENCODE_SOURCE') delete env[k];
  return {
    home,
    env,
    project(name, cfg = { network: 'host' }) {
      const dir = join(home, name);
      if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'ocx.json'), JSON.stringify(cfg));
      return dir;
    },
  };
}

export function ocx(args: string[], cwd: string, env: NodeJS.ProcessEnv, input = ''): Result {
  const r = spawnSync(OCX, args, { cwd, env: { ...env, PWD: cwd }, encoding: 'utf8', input, timeout: 600_000 });
  if (r.error) throw r.error;
  return { code: r.status ?? 128 + 9, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** Starts `ocx opencode ARGS` in the background (a long-running session); resolves its exit code. */
export function ocxBackground(args: string[], cwd: string, env: NodeJS.ProcessEnv): { done: Promise<number>; output: () => string } {
  const child = spawn(OCX, args, { cwd, env: { ...env, PWD: cwd }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  return { done: new Promise((res) => child.on('close', (c) => res(c ?? 137))), output: () => out };
}

export async function waitFor(cond: () => boolean, ms: number, what: string): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
