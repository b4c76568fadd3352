import { posix } from 'node:path';
import type { TarEntry } from './tar-scan.ts';

export class UnsafeMemberError extends Error {}

/** The member's path relative to the root, or undefined when it leaves the root. */
export function memberPath(raw: string): string | undefined {
  // Leading "/" is dropped, as GNU tar and Docker do.
  const p = posix.normalize(raw.replace(/^\/+/, '') || '.').replace(/\/+$/, '');
  if (p === '..' || p.startsWith('../')) return undefined;
  return p === '' ? '.' : p;
}

/**
 * Refuses members that would write outside the root: `..` that climbs out,
 * a path that goes through a symlink the archive made earlier, a hard link
 * whose target lies outside. GNU tar has its own protections; this guard
 * turns such archives into a clear error instead of a partial image.
 */
export class MemberGuard {
  private symlinks = new Set<string>();

  check(e: TarEntry): string {
    const path = memberPath(e.path);
    if (path === undefined) throw new UnsafeMemberError(`member "${e.path}" points outside the root filesystem`);
    this.throughSymlink(path, e.path);
    if (e.type === '1') {
      const target = memberPath(e.linkname);
      if (target === undefined) throw new UnsafeMemberError(`hard link "${e.path}" points outside the root filesystem ("${e.linkname}")`);
      this.throughSymlink(target, e.linkname, true);
    }
    if (e.type === '2') this.symlinks.add(path);
    else this.symlinks.delete(path);
    return path;
  }

  private throughSymlink(path: string, raw: string, hardLinkTarget = false): void {
    // The path itself being a symlink is fine (it gets replaced); its parents must not be.
    for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
      const parent = path.slice(0, i);
      if (this.symlinks.has(parent)) {
        throw new UnsafeMemberError(`${hardLinkTarget ? 'hard link target' : 'member'} "${raw}" goes through the symlink "${parent}"`);
      }
    }
    if (hardLinkTarget && this.symlinks.has(path)) {
      throw new UnsafeMemberError(`hard link target "${raw}" is a symlink`);
    }
  }
}
