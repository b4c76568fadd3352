import { spawn } from 'node:child_process';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { UserError } from '../../common/errors.ts';

export type Compression = 'none' | 'gzip' | 'bzip2' | 'xz' | 'zstd';

const magics: Array<[Compression | string, number[]]> = [
  ['gzip', [0x1f, 0x8b]],
  ['bzip2', [0x42, 0x5a, 0x68]],
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
  ['lz4', [0x04, 0x22, 0x4d, 0x18]],
  ['lzip', [0x4c, 0x5a, 0x49, 0x50]],
  ['zip', [0x50, 0x4b, 0x03, 0x04]],
  ['7z', [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]],
  ['compress (.Z)', [0x1f, 0x9d]],
];

const supported = new Set<string>(['gzip', 'bzip2', 'xz', 'zstd']);

/** A tar header block: "ustar" magic, or an old v7 header whose checksum adds up. */
export function looksLikeTar(head: Uint8Array): boolean {
  if (head.length < 512) return false;
  const magic = Buffer.from(head.subarray(257, 262)).toString('latin1');
  if (magic === 'ustar') return true;
  const stored = parseInt(Buffer.from(head.subarray(148, 156)).toString('latin1').replace(/[\0 ]+$/, ''), 8);
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : head[i]!;
  return Number.isFinite(stored) && stored === sum;
}

/** What the first bytes are: a compression rocker reads, one it does not (by name), plain tar, or neither. */
export function sniff(head: Uint8Array): Compression | { unsupported: string } | 'not-tar' {
  for (const [name, bytes] of magics) {
    if (bytes.every((b, i) => head[i] === b)) return supported.has(name) ? (name as Compression) : { unsupported: name };
  }
  return looksLikeTar(head) ? 'none' : 'not-tar';
}

/** Detects the compression from the first bytes; throws for formats rocker cannot read. */
export function detectCompression(head: Uint8Array, what: string): Compression {
  const kind = sniff(head);
  if (typeof kind === 'object') throw new UserError(`cannot import ${what}: unsupported compression ${kind.unsupported} (use a plain, gzip, bzip2, xz or zstd tar)`);
  if (head.length === 0) throw new UserError(`cannot import ${what}: the file is empty`);
  if (kind === 'not-tar') throw new UserError(`cannot import ${what}: not a tar archive`);
  return kind;
}

const tools: Record<Exclude<Compression, 'none' | 'gzip'>, string> = { bzip2: 'bzip2', xz: 'xz', zstd: 'zstd' };

/**
 * The decompressed stream of `input`. gzip is done in-process (zlib is
 * native); bzip2, xz and zstd by their standard tools, which are faster than
 * any JavaScript port and handle multi-stream files.
 * `failed` rejects with a one-line cause when the compressed data is corrupt.
 */
export function decompress(input: Readable, kind: Compression, what: string): { output: Readable; done: Promise<void> } {
  if (kind === 'none') return { output: input, done: Promise.resolve() };
  if (kind === 'gzip') {
    const gunzip = createGunzip();
    const done = new Promise<void>((resolve, reject) => {
      gunzip.on('error', (e) => reject(new UserError(`cannot import ${what}: corrupt gzip data (${e.message})`)));
      gunzip.on('end', resolve);
    });
    input.on('error', (e) => gunzip.destroy(e));
    return { output: input.pipe(gunzip), done };
  }
  const tool = tools[kind];
  const child = spawn(tool, ['-dc'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.on('error', () => undefined); // the tool may exit early on corrupt data; its status says why
  input.pipe(child.stdin);
  const done = new Promise<void>((resolve, reject) => {
    child.on('error', (e) =>
      reject(new UserError(`cannot import ${what}: ${kind} data needs the '${tool}' command (${(e as NodeJS.ErrnoException).code === 'ENOENT' ? `apt-get install ${kind === 'xz' ? 'xz-utils' : tool}` : e.message})`)),
    );
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new UserError(`cannot import ${what}: corrupt ${kind} data (${stderr.trim().split('\n').pop()?.replace(/^[^:]*:\s*/, '') || `${tool} exited ${code}`})`));
    });
  });
  return { output: child.stdout, done };
}
