// Writes small tar archives member by member, hostile ones included, for tests.
import { writeFileSync } from 'node:fs';

export interface Member {
  name: string;
  type?: 'file' | 'dir' | 'symlink' | 'hardlink';
  data?: string;
  linkname?: string;
  mode?: number;
}

const typeFlags = { file: '0', dir: '5', symlink: '2', hardlink: '1' } as const;

function header(m: Member, size: number): Buffer {
  const h = Buffer.alloc(512);
  const put = (s: string, off: number, len: number) => h.write(s.slice(0, len), off, 'utf8');
  const octal = (n: number, off: number, len: number) => put(n.toString(8).padStart(len - 1, '0'), off, len - 1);
  put(m.name, 0, 100);
  octal(m.mode ?? (m.type === 'dir' ? 0o755 : 0o644), 100, 8);
  octal(0, 108, 8);
  octal(0, 116, 8);
  octal(size, 124, 12);
  octal(Math.floor(Date.now() / 1000), 136, 12);
  h.write(typeFlags[m.type ?? 'file'], 156, 'latin1');
  put(m.linkname ?? '', 157, 100);
  h.write('ustar\0', 257, 'latin1');
  h.write('00', 263, 'latin1');
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return h;
}

export function tarBytes(members: Member[], opts: { end?: boolean } = {}): Buffer {
  const parts: Buffer[] = [];
  for (const m of members) {
    const data = Buffer.from(m.type === undefined || m.type === 'file' ? (m.data ?? '') : '');
    parts.push(header(m, data.length), data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  if (opts.end !== false) parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

export function writeTar(path: string, members: Member[], opts: { end?: boolean } = {}): string {
  writeFileSync(path, tarBytes(members, opts));
  return path;
}
