// A real Docker engine for the ocx end-to-end tests: the one that answers, or
// a dockerd started here (as on CI: root, no daemon running) and stopped when
// the test process exits. Debian's dockerd runs here with --iptables=false
// --bridge=none, so tests use host or no networking.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export const REPO = join(import.meta.dir, '..', '..');
/** Caches that survive between runs: the debootstrap tarball, OpenCode binaries. */
export const TEST_CACHE = process.env.OCX_TEST_CACHE || '/var/cache/ocx-test';

export interface Daemon {
  host: string;
  env: NodeJS.ProcessEnv;
}

let daemon: Daemon | undefined;

function answers(env: NodeJS.ProcessEnv): boolean {
  return spawnSync('docker', ['version', '--format', '{{.Server.Version}}'], { env, stdio: 'ignore', timeout: 20_000 }).status === 0;
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function startDockerd(): Daemon {
  if (spawnSync('sh', ['-c', 'command -v dockerd'], { stdio: 'ignore' }).status !== 0) {
    throw new Error('dockerd is not installed: apt-get install docker.io (scripts/setup.sh does)');
  }
  const dir = mkdtempSync('/var/tmp/ocx-dockerd-');
  const sock = join(dir, 'docker.sock');
  const log = openSync(join(dir, 'dockerd.log'), 'a');
  const child = spawn('dockerd', [
    '--iptables=false', '--bridge=none', '--data-root', join(dir, 'data'), '--exec-root', join(dir, 'exec'),
    '-H', `unix://${sock}`, '--pidfile', join(dir, 'dockerd.pid'),
  ], { stdio: ['ignore', log, log], detached: true });
  child.unref();
  const host = `unix://${sock}`;
  const env = { ...process.env, DOCKER_HOST: host };
  const until = Date.now() + 60_000;
  while (!answers(env)) {
    if (Date.now() > until || child.exitCode !== null) {
      const tail = readFileSync(join(dir, 'dockerd.log'), 'utf8').split('\n').slice(-15).join('\n');
      throw new Error(`dockerd did not start within 60 s:\n${tail}`);
    }
    sleep(250);
  }
  process.on('exit', () => {
    // Stop only what we started; containers die with it; its data goes too.
    try {
      process.kill(child.pid!, 'SIGTERM');
      for (let i = 0; i < 80 && existsSync(join(dir, 'dockerd.pid')); i++) sleep(250);
    } catch {
      /* already gone */
    }
    spawnSync('umount', ['-R', join(dir, 'data')], { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  });
  return { host, env };
}

/** The engine to test against, with debian:bookworm-slim present (built locally: no Docker Hub here). */
export function docker(): Daemon {
  if (daemon) return daemon;
  const d = answers(process.env) ? { host: process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock', env: { ...process.env } } : startDockerd();
  if (spawnSync('docker', ['image', 'inspect', 'debian:bookworm-slim'], { env: d.env, stdio: 'ignore' }).status !== 0) {
    mkdirSync(TEST_CACHE, { recursive: true });
    const tar = join(TEST_CACHE, 'debian-bookworm-minbase.tar');
    const mk = spawnSync(join(REPO, 'scripts', 'fixtures', 'debian-bookworm-tar.sh'), [tar], { stdio: 'inherit' });
    if (mk.status !== 0) throw new Error('could not make the debian:bookworm-slim tarball');
    const imp = spawnSync('sh', ['-c', `docker import - debian:bookworm-slim < "${tar}"`], { env: d.env, encoding: 'utf8' });
    if (imp.status !== 0) throw new Error(`docker import failed: ${imp.stderr}`);
  }
  daemon = d;
  return d;
}

export function dockerCli(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync('docker', args, { env: docker().env, encoding: 'utf8', timeout: 300_000 });
  return { code: r.status ?? 137, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}
