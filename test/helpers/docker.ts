// A real Docker engine for the ocx end-to-end tests: the one that answers, or
// a dockerd started here (as on CI: root, no daemon running) and stopped when
// the test process exits. Debian's dockerd runs here with --iptables=false
// --bridge=none, so tests use host or no networking.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
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

/**
 * Starts dockerd in a directory named after this test process, so every test
 * file of one `bun test` run shares it. A watchdog shell stops it and removes
 * its data when this process is gone (bun test runs no exit hooks).
 * `flags` replace the networking flags (the network tests want iptables).
 */
export function startDockerd(dir = `/var/tmp/ocx-e2e-dockerd-${process.pid}`, flags = '--iptables=false --bridge=none'): Daemon {
  if (spawnSync('sh', ['-c', 'command -v dockerd'], { stdio: 'ignore' }).status !== 0) {
    throw new Error('dockerd is not installed: apt-get install docker.io (scripts/setup.sh does)');
  }
  const sock = join(dir, 'docker.sock');
  const host = `unix://${sock}`;
  const env = { ...process.env, DOCKER_HOST: host };
  if (existsSync(sock) && answers(env)) return { host, env };
  mkdirSync(dir, { recursive: true });
  const log = openSync(join(dir, 'dockerd.log'), 'a');
  const watchdog = `
    dockerd ${flags} --data-root "$1/data" --exec-root "$1/exec" -H "unix://$1/docker.sock" --pidfile "$1/dockerd.pid" &
    d=$!
    while kill -0 "$2" 2>/dev/null && kill -0 "$d" 2>/dev/null; do sleep 1; done
    kill "$d" 2>/dev/null; wait "$d"
    # dockerd leaves its network namespace mounted: unmount what lies under the directory first.
    awk -v d="$1/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r | xargs -r -n1 umount -l
    rm -rf "$1"`;
  const child = spawn('sh', ['-c', watchdog, 'ocx-e2e-dockerd', dir, String(process.pid)], { stdio: ['ignore', log, log], detached: true });
  child.unref();
  const until = Date.now() + 60_000;
  while (!answers(env)) {
    if (Date.now() > until || child.exitCode !== null) {
      const tail = existsSync(join(dir, 'dockerd.log')) ? readFileSync(join(dir, 'dockerd.log'), 'utf8').split('\n').slice(-15).join('\n') : '';
      throw new Error(`dockerd did not start within 60 s:\n${tail}`);
    }
    sleep(250);
  }
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
