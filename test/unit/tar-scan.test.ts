import { expect, test } from 'bun:test';
import { detectCompression } from '../../src/engine/tar/compression.ts';
import { MemberGuard, memberPath } from '../../src/engine/tar/member-guard.ts';
import { type TarEntry, TarScanner } from '../../src/engine/tar/tar-scan.ts';
import { tarBytes } from '../helpers/tar.ts';

function scan(bytes: Buffer, chunk = 7): TarEntry[] {
  const out: TarEntry[] = [];
  const s = new TarScanner((e) => out.push(e));
  for (let i = 0; i < bytes.length; i += chunk) s.push(bytes.subarray(i, i + chunk));
  s.finish();
  return out;
}

test('headers are read across arbitrary chunk boundaries', () => {
  const bytes = tarBytes([
    { name: 'dir', type: 'dir' },
    { name: 'dir/a', data: 'x'.repeat(1000) },
    { name: 'dir/b', type: 'hardlink', linkname: 'dir/a' },
    { name: 'dir/c', type: 'symlink', linkname: '/etc' },
  ]);
  for (const chunk of [1, 7, 512, 100000]) {
    expect(scan(bytes, chunk).map((e) => [e.path, e.type, e.size, e.linkname])).toEqual([
      ['dir', '5', 0, ''],
      ['dir/a', '0', 1000, ''],
      ['dir/b', '1', 0, 'dir/a'],
      ['dir/c', '2', 0, '/etc'],
    ]);
  }
});

test('a truncated archive and garbage are reported', () => {
  const bytes = tarBytes([{ name: 'a', data: 'x'.repeat(2000) }]);
  expect(() => scan(bytes.subarray(0, 1024))).toThrow(/truncated/);
  expect(() => scan(tarBytes([{ name: 'a' }], { end: false }))).toThrow(/truncated/);
  expect(() => scan(Buffer.alloc(0))).toThrow(/empty/);
  expect(() => scan(Buffer.from('x'.repeat(1024)))).toThrow(/not a tar archive/);
  const corrupt = Buffer.from(bytes);
  corrupt[1536 + 10] = 0x41; // past the first member's data: the end block
  expect(scan(corrupt).length).toBe(1);
  const badSecond = Buffer.concat([tarBytes([{ name: 'a' }], { end: false }), Buffer.from('y'.repeat(512))]);
  expect(() => scan(badSecond)).toThrow(/corrupt tar header at byte 512/);
});

test('member paths are normalised and escapes refused', () => {
  expect(memberPath('./a/b/')).toBe('a/b');
  expect(memberPath('/etc/passwd')).toBe('etc/passwd');
  expect(memberPath('a/../b')).toBe('b');
  expect(memberPath('../x')).toBeUndefined();
  expect(memberPath('a/../../x')).toBeUndefined();
  expect(memberPath('./')).toBe('.');
});

test('the guard refuses writes through symlinks and hard links outside', () => {
  const e = (path: string, type = '0', linkname = ''): TarEntry => ({ path, type, size: 0, linkname });
  const g = new MemberGuard();
  g.check(e('link', '2', '/tmp/outside'));
  expect(() => g.check(e('link/file'))).toThrow(/goes through the symlink "link"/);
  expect(() => g.check(e('x', '1', '../../etc/passwd'))).toThrow(/outside/);
  expect(() => g.check(e('y', '1', 'link/passwd'))).toThrow(/symlink/);
  expect(() => g.check(e('../up'))).toThrow(/outside/);
  g.check(e('link', '5')); // replaced by a directory: going through it is fine now
  expect(g.check(e('link/file'))).toBe('link/file');
});

test('compression is detected from magic bytes', () => {
  expect(detectCompression(Uint8Array.from([0x1f, 0x8b, 8]), 'f')).toBe('gzip');
  expect(detectCompression(Uint8Array.from([0x28, 0xb5, 0x2f, 0xfd]), 'f')).toBe('zstd');
  expect(detectCompression(Uint8Array.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0]), 'f')).toBe('xz');
  expect(detectCompression(Buffer.from('BZh91AY'), 'f')).toBe('bzip2');
  expect(detectCompression(tarBytes([{ name: 'a' }]), 'f')).toBe('none');
  expect(() => detectCompression(Uint8Array.from([0x04, 0x22, 0x4d, 0x18]), 'x.tar.lz4')).toThrow('cannot import x.tar.lz4: unsupported compression lz4');
  expect(() => detectCompression(Buffer.from('hello world, not a tar'), 'f')).toThrow(/not a tar archive/);
});
