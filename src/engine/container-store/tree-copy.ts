// Copying files out of (and into) a container's layers with their owners,
// modes and times, links copied as links and never followed: shared by the
// copy-up of new volumes and by `rocker cp`.
import { chmodSync, copyFileSync, lchownSync, lstatSync, lutimesSync, mkdirSync, readdirSync, readlinkSync, rmSync, symlinkSync, type Stats } from 'node:fs';
import { join } from 'node:path';

/** The image's layers, top first, and how to tell an opaque directory (the runtime's Root, by shape). */
export interface Layers {
  layers: string[];
  isOpaque: (dir: string) => boolean;
}

export function lstatOr(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

export const isWhiteout = (st: Stats) => st.isCharacterDevice() && st.rdev === 0;

export function keepOwnership(st: Stats, dst: string): void {
  lchownSync(dst, st.uid, st.gid);
  if (!st.isSymbolicLink()) chmodSync(dst, st.mode & 0o7777);
  lutimesSync(dst, st.atime, st.mtime);
}

/**
 * Lays one layer's directory over `dst`, as overlayfs would merge it: a
 * whiteout removes what lower layers put there, an opaque directory hides
 * them. Regular files, directories and symbolic links are copied with owner,
 * mode and times; links are copied as links, never followed. Devices, fifos
 * and sockets have no place in a volume and are skipped; hard links become
 * separate copies.
 */
export function applyDir(src: string, dst: string, isOpaque: (dir: string) => boolean): void {
  if (isOpaque(src)) for (const e of readdirSync(dst)) rmSync(join(dst, e), { recursive: true, force: true });
  for (const name of readdirSync(src)) {
    const s = join(src, name);
    const d = join(dst, name);
    const st = lstatSync(s);
    const there = lstatOr(d);
    if (isWhiteout(st) || !(st.isDirectory() && there?.isDirectory())) rmSync(d, { recursive: true, force: true });
    if (isWhiteout(st)) continue;
    if (st.isDirectory()) {
      if (!there?.isDirectory()) mkdirSync(d);
      applyDir(s, d, isOpaque);
    } else if (st.isSymbolicLink()) symlinkSync(readlinkSync(s), d);
    else if (st.isFile()) copyFileSync(s, d);
    else continue;
    keepOwnership(st, d);
  }
}

/**
 * The directory `path` of the image in each layer that contributes to it,
 * bottom first: a whiteout, a file or an opaque directory on the way hides
 * the layers below. Through a symbolic link the merged view would point
 * elsewhere (possibly out of the image): such a path is not copied at all,
 * rather than copied wrong.
 */
export function layerDirs(image: Layers, path: string): string[] | undefined {
  const parts = path.split('/').filter(Boolean);
  const dirs: string[] = [];
  for (const layer of image.layers) {
    let dir = layer;
    let found: 'dir' | 'absent' | 'hidden' = 'dir';
    let opaque = false;
    for (const part of parts) {
      dir = join(dir, part);
      const st = lstatOr(dir);
      if (!st) {
        found = 'absent';
        break;
      }
      if (st.isSymbolicLink()) return undefined;
      if (!st.isDirectory()) {
        found = 'hidden';
        break;
      }
      opaque ||= image.isOpaque(dir);
    }
    if (found === 'hidden') break;
    if (found === 'dir') dirs.push(dir);
    if (opaque) break;
  }
  return dirs.reverse();
}

/**
 * The entry `path` names in the merged layers (a whiteout hides it): its
 * host path in the topmost layer that has it, with its lstat, or undefined.
 * Its parent must already be resolved (no links on the way).
 */
export function topEntry(image: Layers, path: string): { host: string; st: Stats } | undefined {
  for (const layer of image.layers) {
    const host = join(layer, path);
    const st = lstatOr(host);
    if (!st) continue;
    return isWhiteout(st) ? undefined : { host, st };
  }
  return undefined;
}
