import { closeSync, lstatSync, openSync, readdirSync, readlinkSync, readSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';

const BLOCK = 512;

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, '0');
}

function paxRecord(key: string, value: string): Buffer {
  // The length prefix counts itself, so find the fixed point.
  const body = ` ${key}=${value}\n`;
  let len = Buffer.byteLength(body) + 1;
  while (String(len).length + Buffer.byteLength(body) !== len) len = String(len).length + Buffer.byteLength(body);
  return Buffer.from(`${len}${body}`);
}

interface Entry {
  name: string;
  type: '0' | '1' | '2' | '3' | '4' | '5' | '6';
  stat: Stats;
  size: number;
  linkname?: string;
}

function padded(data: Buffer): Buffer {
  const pad = (BLOCK - (data.length % BLOCK)) % BLOCK;
  return pad ? Buffer.concat([data, Buffer.alloc(pad)]) : data;
}

function header(e: Entry): Buffer {
  const pax: Buffer[] = [];
  if (Buffer.byteLength(e.name) > 100) pax.push(paxRecord('path', e.name));
  if (e.linkname && Buffer.byteLength(e.linkname) > 100) pax.push(paxRecord('linkpath', e.linkname));
  const h = Buffer.alloc(BLOCK);
  const put = (s: string, off: number, len: number) => h.write(s, off, Math.min(len, Buffer.byteLength(s)), 'utf8');
  put(e.name.slice(0, 100), 0, 100);
  put(octal(e.stat.mode & 0o7777, 8), 100, 8);
  put(octal(e.stat.uid, 8), 108, 8);
  put(octal(e.stat.gid, 8), 116, 8);
  put(octal(e.size, 12), 124, 12);
  put(octal(Math.floor(e.stat.mtimeMs / 1000), 12), 136, 12);
  h.fill(0x20, 148, 156);
  put(e.type, 156, 1);
  if (e.linkname) put(e.linkname.slice(0, 100), 157, 100);
  put('ustar\u000000', 257, 8);
  if (e.type === '3' || e.type === '4') {
    const rdev = e.stat.rdev;
    put(octal((rdev >> 8) & 0xfff, 8), 329, 8);
    put(octal((rdev & 0xff) | ((rdev >> 12) & 0xfff00), 8), 337, 8);
  }
  let sum = 0;
  for (const b of h) sum += b;
  put(`${octal(sum, 7)}\0`, 148, 8);
  if (pax.length === 0) return h;
  const body = Buffer.concat(pax);
  const ph = header({ name: `PaxHeaders/${e.name.slice(-80)}`, type: '0', stat: e.stat, size: body.length });
  ph.write('x', 156); // typeflag
  fixChecksum(ph);
  return Buffer.concat([ph, padded(body), h]);
}

function fixChecksum(h: Buffer): void {
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${octal(sum, 7)}\0`, 148, 8);
}

function emptyFile(name: string, like: Stats): Entry {
  return { name, type: '0', stat: { ...like, mode: 0o644, uid: 0, gid: 0 } as Stats, size: 0 };
}

/** A regular file's bytes, padded to the tar block size. */
function* fileBody(path: string, size: number, buf: Buffer): Generator<Buffer> {
  const fd = openSync(path, 'r');
  try {
    let left = size;
    while (left > 0) {
      const n = readSync(fd, buf, 0, Math.min(buf.length, left), null);
      if (n <= 0) throw new Error(`${path} shrank while it was being committed`);
      yield Buffer.from(buf.subarray(0, n));
      left -= n;
    }
  } finally {
    closeSync(fd);
  }
  const pad = (BLOCK - (size % BLOCK)) % BLOCK;
  if (pad) yield Buffer.alloc(pad);
}

/** One member of `itemsTar`: the metadata to record, and for a regular file where its bytes are. */
export interface TarItem {
  /** Path in the archive, without a leading or trailing slash. */
  name: string;
  kind: 'dir' | 'file' | 'symlink' | 'hardlink';
  /** Mode, owner, size and time to record (a plain object will do: its methods are not used). */
  stat: Stats;
  /** A regular file's content. */
  hostPath?: string;
  /** A symbolic link's target, or for a hard link the member it links to. */
  linkname?: string;
}

/**
 * A layer tar of a list of directories, files and symbolic links, in the
 * order given (parents first), with the owners and modes their `stat`
 * says: a layer made from a list rather than from a directory (rocker
 * build's COPY), with no copy of the files written first.
 */
export function itemsTar(items: Iterable<TarItem>): Readable {
  async function* chunks(): AsyncGenerator<Buffer> {
    const buf = Buffer.alloc(64 * 1024);
    for (const it of items) {
      if (it.kind === 'dir') yield header({ name: `${it.name}/`, type: '5', stat: it.stat, size: 0 });
      else if (it.kind === 'symlink' || it.kind === 'hardlink') {
        yield header({ name: it.name, type: it.kind === 'symlink' ? '2' : '1', stat: it.stat, size: 0, linkname: it.linkname ?? '' });
      }
      else if (it.hostPath !== undefined) {
        yield header({ name: it.name, type: '0', stat: it.stat, size: it.stat.size });
        yield* fileBody(it.hostPath, it.stat.size, buf);
      }
    }
    yield Buffer.alloc(BLOCK * 2);
  }
  return Readable.from(chunks(), { objectMode: false });
}

/**
 * An OCI layer tar of a container's overlay upper directory: its changes
 * over the image. Overlay whiteouts (a character device 0/0) become
 * `.wh.NAME` files and opaque directories (trusted.overlay.opaque=y) get a
 * `.wh..wh..opq` entry, as the OCI image spec writes deletions.
 */
export function upperDirTar(upper: string, isOpaque: (path: string) => boolean, skip: (relPath: string, st: Stats) => boolean = () => false): Readable {
  async function* entries(): AsyncGenerator<Buffer> {
    const links = new Map<string, string>();
    const buf = Buffer.alloc(64 * 1024);
    async function* walk(dir: string, rel: string): AsyncGenerator<Buffer> {
      for (const name of readdirSync(dir).sort()) {
        const path = join(dir, name);
        const relName = rel ? `${rel}/${name}` : name;
        const st = lstatSync(path);
        if (skip(relName, st)) continue;
        if (st.isCharacterDevice() && st.rdev === 0) {
          yield header(emptyFile(rel ? `${rel}/.wh.${name}` : `.wh.${name}`, st));
        } else if (st.isDirectory()) {
          yield header({ name: `${relName}/`, type: '5', stat: st, size: 0 });
          if (isOpaque(path)) yield header(emptyFile(`${relName}/.wh..wh..opq`, st));
          yield* walk(path, relName);
        } else if (st.isSymbolicLink()) {
          yield header({ name: relName, type: '2', stat: st, size: 0, linkname: readlinkSync(path) });
        } else if (st.isFile()) {
          const key = `${st.dev}:${st.ino}`;
          const first = st.nlink > 1 ? links.get(key) : undefined;
          if (first) {
            yield header({ name: relName, type: '1', stat: st, size: 0, linkname: first });
            continue;
          }
          if (st.nlink > 1) links.set(key, relName);
          yield header({ name: relName, type: '0', stat: st, size: st.size });
          yield* fileBody(path, st.size, buf);
        } else if (st.isCharacterDevice() || st.isBlockDevice()) {
          yield header({ name: relName, type: st.isCharacterDevice() ? '3' : '4', stat: st, size: 0 });
        } else if (st.isFIFO()) {
          yield header({ name: relName, type: '6', stat: st, size: 0 });
        }
        // Sockets are not kept in images.
      }
    }
    yield* walk(upper, '');
    yield Buffer.alloc(BLOCK * 2);
  }
  return Readable.from(entries(), { objectMode: false });
}
