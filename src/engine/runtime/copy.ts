import { copyFileSync, lstatSync, mkdirSync, readlinkSync, rmSync, statSync, symlinkSync, type Stats } from 'node:fs';
import { basename, dirname, join, posix } from 'node:path';
import { describeFsError, UserError } from '../../common/errors.ts';
import type { ContainerRecord } from '../container-store/record.ts';
import { containerStatus } from '../container-store/status.ts';
import { containerFiles } from '../container-store/store.ts';
import { applyDir, isWhiteout, keepOwnership, layerDirs, lstatOr, topEntry } from '../container-store/tree-copy.ts';
import type { StorePaths } from '../paths.ts';
import { canonicalInRoot, singleRoot, type Root } from './rootfs-lookup.ts';

/**
 * A container's files for `cp`: a running one through its init's root (the
 * merged overlay and its mounts, written through the container's own view);
 * a stopped one through its upper directory over the image's layers, merged
 * as overlayfs would, written into the upper directory. `writeBase` is the
 * host directory a container path is written under.
 */
export interface ContainerFs {
  root: Root;
  writeBase: string;
  running: boolean;
  /** A stopped container's bind mounts and volumes: their paths are read and written in their sources. */
  mounts: Array<{ destination: string; source: string; readOnly: boolean }>;
}

export async function containerFs(paths: StorePaths, rec: ContainerRecord, layerPath: (diffId: string) => string): Promise<ContainerFs> {
  const s = containerStatus(paths, rec);
  if (s.state === 'running' && s.pid) {
    const base = `/proc/${s.pid}/root`;
    return { root: singleRoot(base), writeBase: base, running: true, mounts: [] };
  }
  const upper = containerFiles(paths, rec.id).upper;
  const layers = [upper, ...[...rec.layers].reverse().map(layerPath)];
  const { getXattr } = await import('../sys/libc.ts');
  const root: Root = { layers, isOpaque: (dir) => getXattr(dir, 'trusted.overlay.opaque') === 'y' };
  // Longest first, so a mount inside another mount wins.
  const mounts = [...rec.options.volumes].sort((a, b) => b.destination.length - a.destination.length);
  return { root, writeBase: upper, running: false, mounts };
}

/**
 * The file system a container path lives in: a stopped container's mount
 * (volume or bind) when the path is under one, as the running container
 * would see it; else the container's own. `writing` refuses a read-only one.
 */
function within(fs: ContainerFs, name: string, path: string, writing: boolean): { fs: ContainerFs; path: string } {
  const m = fs.mounts.find((v) => path === v.destination || path.startsWith(`${v.destination}/`));
  if (!m) return { fs, path };
  if (writing && m.readOnly) throw new UserError(`cannot copy into ${name}:${path}: ${m.destination} is mounted read-only`);
  return { fs: { root: singleRoot(m.source), writeBase: m.source, running: false, mounts: [] }, path: path.slice(m.destination.length) || '/' };
}

const notFound = (name: string, path: string) => new UserError(`no such file or directory in container ${name}: ${path}`);

/** Copies one entry (a file, a link as a link, or a tree) from host path `src` to `dst`, replacing what is there unless both are directories. */
function copyEntry(src: string, st: Stats, dst: string, layers?: string[], isOpaque: (d: string) => boolean = () => false): void {
  const there = lstatOr(dst);
  if (st.isDirectory()) {
    if (there && !there.isDirectory()) rmSync(dst, { recursive: true, force: true });
    if (!there?.isDirectory()) mkdirSync(dst);
    for (const dir of layers ?? [src]) applyDir(dir, dst, isOpaque);
  } else {
    if (there) rmSync(dst, { recursive: true, force: true });
    if (st.isSymbolicLink()) symlinkSync(readlinkSync(src), dst);
    else if (st.isFile()) copyFileSync(src, dst);
    else throw new UserError(`cannot copy ${src}: not a regular file, directory or symbolic link`);
  }
  keepOwnership(st, dst);
}

/**
 * `cp CONTAINER:SRC DEST`, Docker's rules: into an existing directory the
 * entry keeps its name (`SRC/.` copies a directory's contents instead);
 * otherwise DEST is the new name and its parent must exist. Links inside the
 * container resolve within it, never out of it; links in what is copied are
 * copied as links.
 */
export function copyFromContainer(outer: ContainerFs, name: string, src: string, dest: string): void {
  const contents = /\/\.$/.test(src);
  const full = posix.normalize(`/${src}`).replace(/\/+$/, '') || '/';
  const { fs, path } = within(outer, name, full, false);
  let cpath = '/';
  let entry: { host: string; st: Stats };
  if (path === '/') entry = { host: fs.root.layers[0]!, st: lstatSync(fs.root.layers[0]!) };
  else {
    const parent = canonicalInRoot(fs.root, posix.dirname(path));
    if (!parent) throw notFound(name, src);
    cpath = posix.join(parent, posix.basename(path));
    const found = topEntry(fs.root, cpath);
    if (!found) throw notFound(name, src);
    entry = found;
  }
  const isDir = entry.st.isDirectory();
  if (contents && !isDir) throw new UserError(`cannot copy the contents of ${src}: not a directory`);
  let target = dest;
  const destSt = statOr(dest);
  if (destSt?.isDirectory()) target = contents ? dest : join(dest, posix.basename(full) || 'root');
  else if (destSt) {
    if (isDir) throw new UserError(`cannot copy directory ${src} to ${dest}: it is a file`);
  } else if (!statOr(dirname(dest))?.isDirectory()) throw new UserError(`cannot copy to ${dest}: ${dirname(dest)} is not a directory`);
  copyEntry(entry.host, entry.st, target, isDir ? (layerDirs(fs.root, cpath) ?? [entry.host]) : undefined, fs.root.isOpaque);
}

function statOr(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/**
 * Makes each directory above container path `target` exist under the write
 * base, as the merged view has it (owner, mode): a stopped container's
 * upper directory holds only what the container changed.
 */
function ensureParents(fs: ContainerFs, target: string): void {
  if (fs.running) return;
  let path = '';
  for (const part of posix.dirname(target).split('/').filter(Boolean)) {
    path = `${path}/${part}`;
    const host = join(fs.writeBase, path);
    const st = lstatOr(host);
    if (st?.isDirectory()) continue;
    if (st && isWhiteout(st)) rmSync(host);
    const merged = topEntry(fs.root, path);
    mkdirSync(host);
    if (merged) keepOwnership(merged.st, host);
  }
}

/** `cp SRC CONTAINER:DEST`: the same rules the other way; DEST's links resolve within the container. */
export function copyToContainer(outer: ContainerFs, name: string, src: string, dest: string): void {
  const contents = /\/\.$/.test(src);
  let st: Stats;
  try {
    st = lstatSync(src);
  } catch (err) {
    throw new UserError(`cannot copy ${src}: ${describeFsError(err)}`);
  }
  if (contents && !st.isDirectory()) throw new UserError(`cannot copy the contents of ${src}: not a directory`);
  const { fs, path } = within(outer, name, posix.normalize(`/${dest}`).replace(/(.)\/+$/, '$1'), true);
  const resolved = canonicalInRoot(fs.root, path);
  let target: string;
  if (resolved) {
    const entry = resolved === '/' ? { st: lstatSync(fs.root.layers[0]!) } : topEntry(fs.root, resolved);
    if (entry?.st.isDirectory()) target = contents ? resolved : posix.join(resolved, basename(src.replace(/\/\.?$/, '')));
    else if (st.isDirectory()) throw new UserError(`cannot copy directory ${src} to ${name}:${dest}: it is a file`);
    else target = resolved;
  } else {
    if (/\/$/.test(dest)) throw new UserError(`no such directory in container ${name}: ${dest}`);
    const parent = canonicalInRoot(fs.root, posix.dirname(path));
    if (!parent || !(parent === '/' || topEntry(fs.root, parent)?.st.isDirectory())) throw notFound(name, posix.dirname(path));
    target = posix.join(parent, posix.basename(path));
  }
  if (target === '/' && !st.isDirectory()) throw new UserError(`cannot copy ${src} over the container's /`);
  ensureParents(fs, target);
  const host = join(fs.writeBase, target);
  const there = lstatOr(host);
  if (there && isWhiteout(there)) rmSync(host);
  copyEntry(src, st, host);
}

/** Whether container path `dest` is a directory (links resolved within the container); undefined when it does not exist. */
export function isContainerDir(outer: ContainerFs, name: string, dest: string): boolean | undefined {
  const { fs, path } = within(outer, name, posix.normalize(`/${dest}`).replace(/(.)\/+$/, '$1'), true);
  const resolved = canonicalInRoot(fs.root, path);
  if (!resolved) return undefined;
  if (resolved === '/') return true;
  const entry = topEntry(fs.root, resolved);
  return entry ? entry.st.isDirectory() : undefined;
}
