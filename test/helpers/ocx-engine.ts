// The engine the ocx end-to-end tests run against: one suite, any engine.
// OCX_TEST_ENGINE=docker (the default), podman or rocker; scripts/test.sh runs
// the ocx files once per engine. Each engine has debian:bookworm-slim made
// from the same debootstrap tarball (there is no Docker Hub here).
//
// rocker runs on a store of this test process (removed, with its containers
// and networks, when the process is gone) and with a PATH on which docker and
// podman do not exist: the suite proves ocx needs no daemon and no other engine.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { hostUlimits } from '../../src/ocx/engines/podman.ts';
import { docker, REPO, TEST_CACHE } from './docker.ts';

export type TestEngine = 'docker' | 'podman' | 'rocker';

const chosen = process.env.OCX_TEST_ENGINE || 'docker';
if (chosen !== 'docker' && chosen !== 'podman' && chosen !== 'rocker') throw new Error(`OCX_TEST_ENGINE=${chosen}: expected docker, podman or rocker`);
export const ENGINE: TestEngine = chosen;

/** Why the chosen engine cannot run here (the tests that need it are then skipped, or fail in CI), else undefined. */
export const engineMissing: string | undefined = ENGINE === 'podman' && spawnSync('podman', ['--version'], { stdio: 'ignore' }).status !== 0
  ? 'podman is not installed (apt-get install podman)'
  : undefined;

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function debianTar(): string {
  mkdirSync(TEST_CACHE, { recursive: true });
  const tar = join(TEST_CACHE, 'debian-bookworm-minbase.tar');
  const mk = spawnSync(join(REPO, 'scripts', 'fixtures', 'debian-bookworm-tar.sh'), [tar], { stdio: 'inherit' });
  if (mk.status !== 0) throw new Error('could not make the debian:bookworm-slim tarball');
  return tar;
}

/**
 * A directory of links to everything on the usual PATH except docker and
 * podman: ocx on rocker must find neither (and so never try them).
 */
function pathWithoutOtherEngines(dir: string): string {
  const bin = join(dir, 'bin');
  if (!existsSync(bin)) {
    mkdirSync(bin, { recursive: true });
    for (const d of ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin']) {
      if (!existsSync(d)) continue;
      for (const e of readdirSync(d)) {
        if (/^(docker|dockerd|podman)$/.test(e) || existsSync(join(bin, e))) continue;
        symlinkSync(join(d, e), join(bin, e));
      }
    }
  }
  return [join(REPO, 'bin'), join(REPO, 'node_modules', '.bin'), bin].join(delimiter);
}

let rockerEnv: NodeJS.ProcessEnv | undefined;
/** A rocker store of this test process, with debian:bookworm-slim, removed by a watchdog once the process is gone. */
function rockerStore(): NodeJS.ProcessEnv {
  if (rockerEnv) return rockerEnv;
  const dir = `/var/tmp/ocx-e2e-rocker-${process.pid}`;
  const env = { ...process.env, ROCKER_ROOT: join(dir, 'root'), ROCKER_RUNROOT: join(dir, 'run'), PATH: pathWithoutOtherEngines(dir) };
  const rocker = join(REPO, 'bin', 'rocker');
  if (!existsSync(join(dir, 'root'))) {
    mkdirSync(dir, { recursive: true });
    // Containers first (they hold mounts, cgroups, veths), then the networks' bridges and rules, then the files.
    const cleanup = `while kill -0 "$1" 2>/dev/null; do sleep 1; done
      ids=$("$3" ps -aq); [ -n "$ids" ] && "$3" rm -f $ids >/dev/null 2>&1
      "$3" network prune -f >/dev/null 2>&1
      awk -v d="$2/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r | xargs -r -n1 umount -l
      rm -rf "$2"`;
    spawn('sh', ['-c', cleanup, 'ocx-e2e-rocker', String(process.pid), dir, rocker], { env, stdio: 'ignore', detached: true }).unref();
  }
  if (spawnSync(rocker, ['image', 'inspect', 'debian:bookworm-slim'], { env, stdio: 'ignore' }).status !== 0) {
    const imp = spawnSync(rocker, ['import', debianTar(), 'debian:bookworm-slim'], { env, encoding: 'utf8' });
    if (imp.status !== 0) throw new Error(`rocker import failed: ${imp.stderr}`);
  }
  rockerEnv = env;
  return env;
}

let podmanReady = false;
function podmanEnv(): NodeJS.ProcessEnv {
  if (!podmanReady && spawnSync('podman', ['image', 'exists', 'docker.io/library/debian:bookworm-slim']).status !== 0) {
    const imp = spawnSync('podman', ['import', debianTar(), 'docker.io/library/debian:bookworm-slim'], { encoding: 'utf8' });
    if (imp.status !== 0) throw new Error(`podman import failed: ${imp.stderr}`);
  }
  podmanReady = true;
  return { ...process.env };
}

/** The environment ocx and the engine's CLI run with: the engine's store or daemon, ready with debian:bookworm-slim. */
export function engineEnv(): NodeJS.ProcessEnv {
  if (ENGINE === 'rocker') return rockerStore();
  if (ENGINE === 'podman') return podmanEnv();
  return docker().env;
}

const BIN: Record<TestEngine, string> = { docker: 'docker', podman: 'podman', rocker: join(REPO, 'bin', 'rocker') };

/** The engine's own command line (docker, podman or rocker take the same arguments for what the tests ask). */
export function engineCli(args: string[]): Result {
  // Podman 4.3 fails to start a container whose limits it would raise above the host's: pass ours, as ocx does.
  if (ENGINE === 'podman' && args[0] === 'run') args = ['run', ...hostUlimits(), ...args.slice(1)];
  const r = spawnSync(BIN[ENGINE], args, { env: engineEnv(), encoding: 'utf8', timeout: 300_000 });
  return { code: r.status ?? 137, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** Every container, also those of builds (Podman shows its build containers only with --external). */
export function allContainerIds(): string[] {
  const r = engineCli(['ps', '-aq', '--no-trunc', ...(ENGINE === 'podman' ? ['--external'] : [])]);
  return r.stdout.split('\n').filter(Boolean).sort();
}

/** The name debian:bookworm-slim has in the engine's store, for FROM lines. */
export const DEBIAN = ENGINE === 'podman' ? 'docker.io/library/debian:bookworm-slim' : 'debian:bookworm-slim';

/** Bytes the engine's image store takes, as its `system df` says (rocker: exact, from its JSON). */
export function imageDiskUsage(): number {
  if (ENGINE === 'rocker') return (JSON.parse(engineCli(['system', 'df', '--format', 'json']).stdout) as { images: { size: number } }).images.size;
  const size = /^Images\t(.*)$/m.exec(engineCli(['system', 'df', '--format', '{{.Type}}\t{{.Size}}']).stdout)![1]!;
  const m = /^([\d.]+)\s*([kKMGT]?B)$/.exec(size.trim());
  if (!m) throw new Error(`not a size: ${size}`);
  return Number(m[1]) * { B: 1, kB: 1e3, KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12 }[m[2]!]!;
}

/**
 * Whether a rebuild leaves the image it replaced behind, untagged (Docker's
 * and Podman's dangling images, which ocx lists as superseded). rocker
 * replaces the record: the old image is gone, its layers go once nothing uses them.
 */
export const KEEPS_SUPERSEDED = ENGINE !== 'rocker';
