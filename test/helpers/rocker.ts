// Runs the real bin/rocker as a subprocess against a temporary store.
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REPO = join(import.meta.dir, '..', '..');
export const ROCKER = join(REPO, 'bin', 'rocker');

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * A temporary store root and run root. cleanup() first runs `rocker system
 * check` on it, so every test file that uses a store ends with it verified
 * (records, layers and blobs against their digests, nothing left on the
 * host), and throws with the problems found; the store is removed either way.
 */
export function tempStore(prefix = 'rocker-test-'): { root: string; runRoot: string; env: NodeJS.ProcessEnv; cleanup: () => void } {
  // Under /var/tmp rather than a tmpfs /tmp: overlayfs cannot use tmpfs as upper on every kernel.
  const base = existsSync('/var/tmp') ? '/var/tmp' : tmpdir();
  const dir = mkdtempSync(join(base, prefix));
  const root = join(dir, 'root');
  const runRoot = join(dir, 'run');
  mkdirSync(root);
  mkdirSync(runRoot);
  const env = { ...process.env, ROCKER_ROOT: root, ROCKER_RUNROOT: runRoot };
  const cleanup = () => {
    try {
      // A bridge outlives its store unless its network is removed: left behind, it keeps its /16 from later runs.
      const bridges = rocker(['network', 'ls'], env).stdout.split('\n').slice(1).map((l) => l.split(/ +/)[5]).filter(Boolean);
      const pruned = rocker(['network', 'prune'], env);
      const left = bridges.filter((b) => existsSync(`/sys/class/net/${b}`));
      if (left.length) throw new Error(`store ${root} left bridge ${left.join(', ')} on the host: ${pruned.stderr.trim()}`);
      const check = rocker(['system', 'check'], env);
      if (check.code !== 0 || check.stdout !== 'no problems found\n') throw new Error(`rocker system check of ${root} failed (exit ${check.code}):\n${check.stdout}${check.stderr}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  return { root, runRoot, env, cleanup };
}

export function rocker(args: string[], env: NodeJS.ProcessEnv, opts: SpawnSyncOptions = {}): Result {
  const r = spawnSync(ROCKER, args, { env, encoding: 'utf8', timeout: 120_000, ...opts });
  if (r.error) throw r.error;
  return { code: r.status ?? 128 + 9, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
}

/**
 * A busybox rootfs tarball made from Debian's busybox-static, kept in one
 * place for every test run (made afresh when busybox-static changes).
 */
export function busyboxTar(): string {
  const dir = '/var/tmp/rocker-fixtures';
  const out = join(dir, `busybox-${statSync('/bin/busybox').mtimeMs}.tar`);
  if (existsSync(out)) return out;
  mkdirSync(dir, { recursive: true });
  const tmp = `${out}.${process.pid}`;
  const r = spawnSync(join(REPO, 'scripts', 'fixtures', 'busybox-tar.sh'), [tmp], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`busybox-tar.sh failed: ${r.stderr}`);
  renameSync(tmp, out);
  return out;
}

/** One container as `rocker ps -a --format json` lists it. */
export interface PsEntry {
  id: string;
  name: string;
  pid: number | null;
  status: string;
  exit_code: number | null;
  command: string[];
}

/** Every container of the store `env` names, as `ps -a --format json` lists them. */
export function psAll(env: NodeJS.ProcessEnv): PsEntry[] {
  return JSON.parse(rocker(['ps', '-a', '--format', 'json'], env).stdout) as PsEntry[];
}
