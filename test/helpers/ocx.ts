// Runs the real bin/ocx as a subprocess, in a temporary $HOME with projects in it.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, TEST_CACHE } from './docker.ts';
import { ENGINE, engineEnv } from './ocx-engine.ts';

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

/**
 * The OpenCode versions the tests use, pinned: "latest" is LATEST and the one
 * before it OLD, whatever npm has published since (see pinnedNpmRegistry).
 */
export const OPENCODE = { LATEST: '1.18.34', OLD: '1.18.33' } as const;

let pinned: string | undefined;
/** The URL of a registry that shows only the pinned OpenCode versions (test/helpers/npm-pin-server.ts), started once. */
function pinnedNpmRegistry(): string {
  if (pinned) return pinned;
  const upstream = spawnSync('npm', ['config', 'get', 'registry'], { encoding: 'utf8' }).stdout.trim().replace(/\/?$/, '/');
  const portFile = join(scratchRoot(), 'npm-pin-port');
  const out = openSync(portFile, 'w');
  spawn(join(REPO, 'node_modules', '.bin', 'bun'), [join(import.meta.dir, 'npm-pin-server.ts'), upstream, OPENCODE.LATEST, OPENCODE.OLD, OPENCODE.LATEST], { stdio: ['ignore', out, 'inherit'], detached: true }).unref();
  closeSync(out);
  // The tests are synchronous here: wait for the port without an event loop.
  const deadline = Date.now() + 30_000;
  let port = '';
  while (!(port = readFileSync(portFile, 'utf8').trim())) {
    if (Date.now() > deadline) throw new Error('the pinned npm registry did not start');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
  }
  pinned = `http://127.0.0.1:${port}/`;
  return pinned;
}

export interface Sandbox {
  home: string;
  env: NodeJS.ProcessEnv;
  /** A project directory under $HOME with an ocx.json (network host: the test dockerd has no bridge). */
  project: (name: string, cfg?: Record<string, unknown>) => string;
}

/**
 * A fresh $HOME whose OpenCode binary cache is shared between tests and runs,
 * so each version is downloaded once. OpenCode comes from the npm registry.
 * With `withEngine`, ocx is told to use the engine under test (OCX_TEST_ENGINE,
 * test/helpers/ocx-engine.ts) and sees its store; without, it sees the plain environment.
 */
export function sandbox(extraEnv: Record<string, string> = {}, withEngine = true): Sandbox {
  buildOcx();
  const home = mkdtempSync(join(scratchRoot(), 'home-'));
  const shared = join(TEST_CACHE, 'opencode');
  mkdirSync(shared, { recursive: true });
  mkdirSync(join(home, '.cache', 'ocx'), { recursive: true });
  symlinkSync(shared, join(home, '.cache', 'ocx', 'opencode'));
  const base: NodeJS.ProcessEnv = withEngine ? engineEnv() : { ...process.env };
  const env: NodeJS.ProcessEnv = { ...base, HOME: home, USER: 'ocxuser', OCX_OPENCODE_SOURCE: 'npm', npm_config_registry: pinnedNpmRegistry(), ...extraEnv };
  for (const k of Object.keys(env)) if (k.startsWith('OCX_') && !(k in extraEnv) && k !== 'OCX_OPENCODE_SOURCE') delete env[k];
  if (withEngine && !('OCX_ENGINE' in extraEnv)) env.OCX_ENGINE = ENGINE;
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

/**
 * A free port for the engine to publish. It must be free when the engine binds
 * it, after we let go: taken below the kernel's ephemeral range, neither
 * outgoing connections nor port-0 listeners elsewhere can grab it meanwhile.
 */
export async function portOutsideEphemeralRange(): Promise<number> {
  const { createServer } = await import('node:net');
  const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 10_000 + Math.floor(Math.random() * (low - 10_000));
    const free = await new Promise<boolean>((res) => {
      const srv = createServer().once('error', () => res(false)).listen(port, '0.0.0.0', () => srv.close(() => res(true)));
    });
    if (free) return port;
  }
  throw new Error('no free port below the ephemeral range');
}
