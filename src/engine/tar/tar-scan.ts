/**
 * Reads tar headers as the bytes stream past, without buffering file data,
 * so that import can validate every member and count sizes in the same pass
 * that GNU tar extracts. Understands ustar, GNU long names (L/K) and pax
 * extended headers (path, linkpath, size).
 */
export interface TarEntry {
  path: string;
  /** Typeflag: '0' file, '1' hard link, '2' symlink, '5' directory, ... */
  type: string;
  size: number;
  linkname: string;
}

export class TarFormatError extends Error {}

const BLOCK = 512;

function text(b: Uint8Array, start: number, len: number): string {
  const s = b.subarray(start, start + len);
  const nul = s.indexOf(0);
  return Buffer.from(nul >= 0 ? s.subarray(0, nul) : s).toString('utf8');
}

function number(b: Uint8Array, start: number, len: number): number {
  if (b[start]! & 0x80) {
    // GNU base-256 for values that do not fit in octal.
    let v = b[start]! & 0x7f;
    for (let i = start + 1; i < start + len; i++) v = v * 256 + b[i]!;
    return v;
  }
  const s = text(b, start, len).trim();
  return s === '' ? 0 : parseInt(s, 8);
}

function checksumOk(h: Uint8Array): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
  return number(h, 148, 8) === sum;
}

function parsePax(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let off = 0;
  while (off < data.length) {
    const sp = data.indexOf(0x20, off);
    if (sp < 0) break;
    const len = parseInt(data.subarray(off, sp).toString('latin1'), 10);
    if (!(len > 0)) break;
    const rec = data.subarray(sp + 1, off + len - 1).toString('utf8');
    const eq = rec.indexOf('=');
    if (eq > 0) out[rec.slice(0, eq)] = rec.slice(eq + 1);
    off += len;
  }
  return out;
}

export class TarScanner {
  private header = Buffer.alloc(BLOCK);
  private headerLen = 0;
  /** Bytes of the current member's data (and padding) still to pass. */
  private skip = 0;
  private collect?: { kind: string; parts: Buffer[]; left: number };
  private longName?: string;
  private longLink?: string;
  private pax: Record<string, string> = {};
  private offset = 0;
  private ended = false;

  constructor(private readonly onEntry: (e: TarEntry) => void) {}

  push(chunk: Uint8Array): void {
    let off = 0;
    while (off < chunk.length && !this.ended) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - off);
        if (this.collect && this.collect.left > 0) {
          const take = Math.min(n, this.collect.left);
          this.collect.parts.push(Buffer.from(chunk.subarray(off, off + take)));
          this.collect.left -= take;
        }
        this.skip -= n;
        off += n;
        this.offset += n;
        if (this.skip === 0 && this.collect) this.finishCollect();
        continue;
      }
      const n = Math.min(BLOCK - this.headerLen, chunk.length - off);
      this.header.set(chunk.subarray(off, off + n), this.headerLen);
      this.headerLen += n;
      off += n;
      if (this.headerLen === BLOCK) {
        this.headerLen = 0;
        this.parseHeader(this.header);
        this.offset += BLOCK;
      }
    }
  }

  /** Call at the end of the stream: throws when it stopped inside the archive. */
  finish(): void {
    if (this.ended) return;
    if (this.offset === 0 && this.headerLen === 0) throw new TarFormatError('the archive is empty');
    throw new TarFormatError('the archive is truncated (it ends before its end-of-archive marker)');
  }

  private parseHeader(h: Buffer): void {
    if (h.every((b) => b === 0)) {
      // One zero block marks the end; what follows is padding to the record size.
      this.ended = true;
      return;
    }
    if (!checksumOk(h)) {
      throw new TarFormatError(this.offset === 0 ? 'not a tar archive' : `corrupt tar header at byte ${this.offset}`);
    }
    const type = h[156] === 0 ? '0' : String.fromCharCode(h[156]!);
    const size = number(h, 124, 12);
    const padded = Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'L' || type === 'K' || type === 'x' || type === 'g') {
      this.collect = { kind: type, parts: [], left: size };
      this.skip = padded;
      if (padded === 0) this.finishCollect();
      return;
    }
    const isUstar = text(h, 257, 6) === 'ustar' && h[262] === 0;
    const prefix = isUstar ? text(h, 345, 155) : '';
    const name = text(h, 0, 100);
    const entry: TarEntry = {
      path: this.pax.path ?? this.longName ?? (prefix ? `${prefix}/${name}` : name),
      type,
      size: this.pax.size !== undefined ? Number(this.pax.size) : size,
      linkname: this.pax.linkpath ?? this.longLink ?? text(h, 157, 100),
    };
    this.longName = this.longLink = undefined;
    this.pax = {};
    this.onEntry(entry);
    this.skip = Math.ceil(entry.size / BLOCK) * BLOCK;
  }

  private finishCollect(): void {
    const c = this.collect!;
    this.collect = undefined;
    const data = Buffer.concat(c.parts);
    if (c.kind === 'L') this.longName = text(data, 0, data.length);
    else if (c.kind === 'K') this.longLink = text(data, 0, data.length);
    else if (c.kind === 'x') this.pax = { ...this.pax, ...parsePax(data) };
  }
}
