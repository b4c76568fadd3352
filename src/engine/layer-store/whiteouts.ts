import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { mknodWhiteout, setXattr } from '../sys/libc.ts';

const OPAQUE = '.wh..wh..opq';

/**
 * Turns OCI whiteout files into what overlayfs understands: `.wh.NAME`
 * becomes a 0/0 character device NAME, `.wh..wh..opq` marks its directory
 * opaque. `paths` are relative to `root`.
 */
export function applyWhiteouts(root: string, paths: string[]): void {
  for (const rel of paths) {
    const slash = rel.lastIndexOf('/');
    const dir = slash >= 0 ? join(root, rel.slice(0, slash)) : root;
    const base = rel.slice(slash + 1);
    rmSync(join(root, rel), { force: true });
    if (base === OPAQUE) setXattr(dir, 'trusted.overlay.opaque', 'y');
    else {
      const target = join(dir, base.slice('.wh.'.length));
      rmSync(target, { recursive: true, force: true });
      mknodWhiteout(target);
    }
  }
}
