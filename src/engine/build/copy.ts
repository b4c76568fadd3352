import { closeSync, createReadStream, lstatSync, mkdirSync, openSync, readdirSync, readlinkSync, readSync, type Stats } from 'node:fs';
import { join, posix } from 'node:path';
import { UserError } from '../../common/errors.ts';
import type { EngineAdapter, ResolvedUser, TarItem } from './engine-adapter.ts';
import type { Tree } from './tree.ts';

/** One file system object a COPY or ADD puts into the image. */
interface Item {
  /** Absolute path in the image. */
  dest: string;
  host: string;
  st: Stats;
  /** ADD of a local tar archive: unpacked into `dest` (a directory). */
  archive?: boolean;
}

export interface CopyRequest {
  /** COPY or ADD, for messages. */
  what: string;
  sources: string[];
  /** As written, expanded; relative to the working directory. */
  dest: string;
  workdir: string;
  from: Tree;
  /** The stage being built, to find existing directories (and symlinks) at the destination. */
  image: Tree;
  owner?: ResolvedUser;
  chmod?: number;
  /** ADD: unpack local tar archives. */
  unpack: boolean;
}

export interface CopyPlan {
  items: Item[];
  req: CopyRequest;
}

const ARCHIVE_MAGIC = [Buffer.from([0x1f, 0x8b]), Buffer.from('BZh'), Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), Buffer.from([0x28, 0xb5, 0x2f, 0xfd])];

function head(host: string, n: number): Buffer {
  const fd = openSync(host, 'r');
  try {
    const buf = Buffer.alloc(n);
    return buf.subarray(0, readSync(fd, buf, 0, n, 0));
  } finally {
    closeSync(fd);
  }
}

/** A tar (plain, gzip, bzip2, xz, zstd) by its first bytes, as Docker's ADD decides. */
function isArchive(host: string, st: Stats): boolean {
  if (!st.isFile() || st.size < 4) return false;
  const h = head(host, 512);
  return ARCHIVE_MAGIC.some((m) => h.subarray(0, m.length).equals(m)) || h.subarray(257, 262).toString() === 'ustar';
}

/** Everything under directory `rel` of the tree, parents first, not following symlinks; ignored files left out. */
function walk(tree: Tree, rel: string, dest: string, out: Item[]): void {
  for (const name of tree.readdir(rel)) {
    const child = rel ? `${rel}/${name}` : name;
    const ignored = tree.ignored(child);
    const e = tree.entry(child);
    if (!e) continue;
    if (ignored && !(e.st.isDirectory() && tree.mayHideChildren)) continue;
    const d = posix.join(dest, name);
    if (!ignored) out.push({ dest: d, host: e.host, st: e.st });
    if (e.st.isDirectory()) walk(tree, child, d, out);
  }
}

/**
 * What a COPY or ADD will write, worked out before anything is written, so
 * its cache key can be computed from it: Docker's rules (a directory's
 * contents are copied, not the directory; several sources need a
 * destination directory ending in "/").
 */
export function planCopy(req: CopyRequest): CopyPlan {
  const label = `${req.what} ${req.sources.join(' ')}`;
  const matches = req.sources.flatMap((s) => {
    const got = req.from.match(s, `${req.what} ${s}`);
    if (got.length === 0) {
      const why = req.from.what === 'the build context' ? 'the build context (or excluded by .dockerignore)' : req.from.what;
      throw new UserError(`${req.what} ${s}: ${/[*?[]/.test(s) ? 'no file matches in' : 'no such file or directory in'} ${why}`);
    }
    return got;
  });
  let dest = posix.normalize(req.dest.startsWith('/') ? req.dest : posix.join(req.workdir || '/', req.dest));
  const destIsDir = req.dest.endsWith('/') || req.dest === '.' || req.image.entry(req.image.canonical(dest, true, label))?.st.isDirectory() === true;
  if (matches.length > 1 && !destIsDir) throw new UserError(`${label}: with several sources the destination must be a directory ending in "/"`);
  dest = `/${req.image.canonical(dest, true, label)}`;
  const items: Item[] = [];
  for (const m of matches) {
    const canon = req.from.canonical(m, true, `${req.what} ${m}`);
    // A link to an excluded file must not bring it in: Docker never sends excluded files at all.
    if (canon !== m && req.from.ignored(canon)) throw new UserError(`${req.what} ${m}: it leads to ${canon}, which .dockerignore excludes`);
    const e = req.from.entry(canon);
    if (!e) throw new UserError(`${req.what} ${m}: no such file or directory (a dangling symbolic link)`);
    if (e.st.isDirectory()) {
      // A new destination directory takes the source directory's mode; an existing one is left as it is.
      if (!req.image.entry(dest.slice(1))) items.push({ dest, host: e.host, st: e.st });
      walk(req.from, canon, dest, items);
    } else if (req.unpack && isArchive(e.host, e.st)) {
      items.push({ dest, host: e.host, st: e.st, archive: true });
    } else {
      items.push({ dest: destIsDir ? posix.join(dest, posix.basename(m)) : dest, host: e.host, st: e.st });
    }
  }
  return { items, req };
}

/** The plan's inputs for the cache key: paths, types, modes, owners, contents (not times). */
export function planDigest(plan: CopyPlan): string {
  const h = new Bun.CryptoHasher('sha256');
  const buf = Buffer.alloc(1 << 16);
  h.update(JSON.stringify({ owner: plan.req.owner, chmod: plan.req.chmod, unpack: plan.req.unpack }));
  for (const it of plan.items) {
    h.update(`\0${it.dest}\0${it.archive ? 'archive' : it.st.mode.toString(8)}\0${it.st.uid}:${it.st.gid}\0`);
    if (it.st.isSymbolicLink()) h.update(readlinkSync(it.host));
    else if (it.st.isFile()) {
      const fd = openSync(it.host, 'r');
      try {
        for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0; ) h.update(buf.subarray(0, n));
      } finally {
        closeSync(fd);
      }
    }
  }
  return h.digest('hex');
}

/** The metadata a layer member records: only what the tar header uses. */
function meta(st: Stats, over: { uid?: number; gid?: number; mode?: number } = {}): Stats {
  return { mode: over.mode ?? st.mode & 0o7777, uid: over.uid ?? st.uid, gid: over.gid ?? st.gid, size: st.size, mtimeMs: st.mtimeMs, rdev: 0 } as Stats;
}

/** Builds the list of layer members, each directory once, parents before children. */
class Members {
  readonly items: TarItem[] = [];
  private readonly seen = new Set<string>();
  /** First member of each multiply-linked file, so its other names stay hard links (and count once). */
  private readonly links = new Map<string, string>();
  constructor(private readonly image: Tree) {}

  /**
   * The directories above `dest`, as the image has them (mode, owner, time)
   * where they exist, otherwise root's 0755, so the layer does not change a
   * directory it only passes through.
   */
  parents(dest: string): void {
    const parts = dest.split('/').filter(Boolean).slice(0, -1);
    for (let k = 1; k <= parts.length; k++) {
      const name = parts.slice(0, k).join('/');
      if (this.seen.has(name)) continue;
      const e = this.image.entry(name);
      const st = e?.st.isDirectory() ? meta(e.st) : ({ mode: 0o755, uid: 0, gid: 0, size: 0, mtimeMs: Date.now(), rdev: 0 } as Stats);
      this.add({ name, kind: 'dir', stat: st });
    }
  }

  /** A regular file, or a hard link to a member already added for the same file. */
  file(name: string, st: Stats, stat: Stats, hostPath: string): void {
    const key = `${st.dev}:${st.ino}`;
    const first = st.nlink > 1 ? this.links.get(key) : undefined;
    if (first !== undefined) return this.add({ name, kind: 'hardlink', stat, linkname: first });
    if (st.nlink > 1) this.links.set(key, name);
    this.add({ name, kind: 'file', stat, hostPath });
  }

  add(item: TarItem): void {
    if (item.kind === 'dir' && this.seen.has(item.name)) return;
    this.seen.add(item.name);
    this.items.push(item);
  }

  /** Everything under `dir` (an unpacked archive) as members under `dest`, with its own owners and modes. */
  tree(dir: string, dest: string): void {
    for (const name of readdirSync(dir).sort()) {
      const host = join(dir, name);
      const st = lstatSync(host);
      const member = posix.join(dest, name).slice(1);
      if (st.isDirectory()) {
        this.add({ name: member, kind: 'dir', stat: meta(st) });
        this.tree(host, `/${member}`);
      } else if (st.isSymbolicLink()) this.add({ name: member, kind: 'symlink', stat: meta(st), linkname: readlinkSync(host) });
      else if (st.isFile()) this.file(member, st, meta(st), host);
    }
  }
}

/**
 * Makes the plan's layer: the files stream from where they are straight
 * into the layer store's import (nothing is written twice); only archives
 * that ADD unpacks go through a staging directory first. Returns the diff_id.
 */
export async function executeCopy(plan: CopyPlan, engine: EngineAdapter): Promise<string> {
  const { req } = plan;
  const members = new Members(req.image);
  const stage = plan.items.some((it) => it.archive) ? engine.staging() : undefined;
  try {
    for (const [n, it] of plan.items.entries()) {
      const name = it.dest.slice(1);
      if (it.archive) {
        members.parents(`${it.dest}/x`);
        const dir = join(stage!, String(n));
        mkdirSync(dir);
        await engine.extractTar(createReadStream(it.host), dir, `${req.what} ${posix.basename(it.host)}`);
        members.tree(dir, it.dest);
        continue;
      }
      members.parents(it.dest);
      const { st } = it;
      const owner = { uid: req.owner?.uid ?? 0, gid: req.owner?.gid ?? 0 };
      if (st.isDirectory()) members.add({ name, kind: 'dir', stat: meta(st, { ...owner, mode: req.chmod }) });
      else if (st.isSymbolicLink()) members.add({ name, kind: 'symlink', stat: meta(st, owner), linkname: readlinkSync(it.host) });
      else if (st.isFile()) members.file(name, st, meta(st, { ...owner, mode: req.chmod }), it.host);
      // Devices, FIFOs and sockets of a context are not copied.
    }
    return await engine.layerFromItems(members.items, `${req.what} to ${req.dest}`);
  } finally {
    if (stage) engine.removeStaging(stage);
  }
}

/** WORKDIR's directory (and its missing parents) as a layer, for when the stage lacks it: Docker's builders create it too. */
export async function directoryLayer(dir: string, image: Tree, engine: EngineAdapter): Promise<string> {
  const members = new Members(image);
  members.parents(`${dir}/x`);
  return engine.layerFromItems(members.items, `WORKDIR ${dir}`);
}
