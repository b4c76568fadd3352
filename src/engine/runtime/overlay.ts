import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

type Libc = typeof import('../sys/libc.ts');
let libc: Libc | null | undefined;

/** libc through Bun's FFI when we run under Bun (the built binary, bun test); undefined under Node. */
async function loadLibc(): Promise<Libc | undefined> {
  if (libc === undefined) {
    libc = null;
    if (process.versions.bun) {
      try {
        libc = await import('../sys/libc.ts');
      } catch {
        libc = null;
      }
    }
  }
  return libc ?? undefined;
}

function mountCommand(args: string[], what: string): void {
  const r = spawnSync(args[0]!, args.slice(1), { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`${what}: ${(r.stderr ?? '').trim() || `exit ${r.status}`}`);
}

/**
 * Mounts the container's root: the image's layers read-only (lowerdir,
 * top layer first) under the container's own upper directory, so its
 * writes land there and never in a layer another container shares.
 * mount(2) directly: /bin/mount would cost a process on every start.
 */
export async function mountOverlay(lowers: string[], upper: string, work: string, target: string): Promise<void> {
  if (lowers.length === 0) {
    const empty = join(work, '..', 'empty');
    mkdirSync(empty, { recursive: true });
    lowers = [empty];
  }
  const data = `lowerdir=${lowers.join(':')},upperdir=${upper},workdir=${work}`;
  if (data.length >= 4096) throw new Error(`too many image layers for one overlay mount (${lowers.length})`);
  const c = await loadLibc();
  if (c) c.mount('overlay', target, 'overlay', 0, data);
  else mountCommand(['mount', '-t', 'overlay', 'overlay', '-o', data, target], `mount overlay on ${target}`);
}

function isNotMounted(err: unknown): boolean {
  const errno = (err as { errno?: number }).errno;
  const msg = err instanceof Error ? err.message : '';
  // EINVAL: not a mount point; ENOENT: gone already.
  return errno === 22 || errno === 2 || /not mounted|no mount point|Invalid argument|No such file/.test(msg);
}

/**
 * Unmounts `target` if it is mounted; a busy mount is detached (it goes once
 * its last user does). `lazy` detaches at once: after the container's
 * processes are gone nothing uses the mount, and a plain overlay umount
 * waits ~5 ms for writeback that nobody needs to wait for.
 */
export async function unmountIfMounted(target: string, lazy = false): Promise<void> {
  const c = await loadLibc();
  const attempt = (flags: number) =>
    c ? c.umount(target, flags) : mountCommand(flags ? ['umount', '-l', target] : ['umount', target], `umount ${target}`);
  try {
    attempt(lazy ? 2 : 0);
  } catch (err) {
    if (isNotMounted(err)) return;
    try {
      attempt(2 /* MNT_DETACH */);
    } catch (err2) {
      if (!isNotMounted(err2)) throw err2;
    }
  }
}
