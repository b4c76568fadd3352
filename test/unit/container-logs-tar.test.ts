import { afterAll, expect, test } from 'bun:test';
import { spawnSync } from 'node:child_process';
import { linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { upperDirTar } from '../../src/engine/tar/writer.ts';
import { readLog } from '../../src/engine/container-store/logs.ts';
import { containerFiles } from '../../src/engine/container-store/store.ts';
import { storePaths } from '../../src/engine/paths.ts';
import { mknodWhiteout, setXattr } from '../../src/engine/sys/libc.ts';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const temp = () => {
  // /var/tmp: trusted.* xattrs need a file system that keeps them (not every tmpfs does).
  const d = mkdtempSync(join('/var/tmp', 'rocker-unit-'));
  dirs.push(d);
  return d;
};

async function logOf(content: string, tail?: number): Promise<string> {
  const paths = storePaths(temp(), tmpdir());
  const id = 'e'.repeat(64);
  mkdirSync(containerFiles(paths, id).dir, { recursive: true });
  writeFileSync(containerFiles(paths, id).log, content);
  const parts: Buffer[] = [];
  await readLog(paths, { id } as never, tail, async (b) => {
    parts.push(Buffer.from(b));
  });
  return Buffer.concat(parts).toString();
}

test('logs --tail counts lines from the end, with or without a final newline', async () => {
  expect(await logOf('a\nb\nc\n', 2)).toBe('b\nc\n');
  expect(await logOf('a\nb\nc', 2)).toBe('b\nc');
  expect(await logOf('a\nb\n', 5)).toBe('a\nb\n');
  expect(await logOf('a\nb\n', 0)).toBe('');
  expect(await logOf('x'.repeat(200_000) + '\nlast\n', 1)).toBe('last\n');
  expect(await logOf('a\nb\n')).toBe('a\nb\n');
});

test('an upper directory becomes an OCI layer: whiteouts, opaque dirs, hard and symbolic links, long names', async () => {
  const upper = join(temp(), 'upper');
  const long = 'n'.repeat(120);
  mkdirSync(join(upper, 'etc', 'replaced'), { recursive: true });
  writeFileSync(join(upper, 'etc', 'replaced', 'new'), 'new\n');
  setXattr(join(upper, 'etc', 'replaced'), 'trusted.overlay.opaque', 'y');
  mknodWhiteout(join(upper, 'etc', 'deleted'));
  writeFileSync(join(upper, 'file'), 'content\n');
  linkSync(join(upper, 'file'), join(upper, 'hard'));
  symlinkSync('/file', join(upper, 'sym'));
  mkdirSync(join(upper, long));
  writeFileSync(join(upper, long, long), 'deep\n');
  writeFileSync(join(upper, 'skipme'), '');

  const { getXattr } = await import('../../src/engine/sys/libc.ts');
  const tar = upperDirTar(upper, (p) => getXattr(p, 'trusted.overlay.opaque') === 'y', (rel) => rel === 'skipme');
  const chunks: Buffer[] = [];
  for await (const c of tar) chunks.push(c as Buffer);
  const file = join(temp(), 'layer.tar');
  writeFileSync(file, Buffer.concat(chunks));

  const list = spawnSync('tar', ['-tvf', file], { encoding: 'utf8' });
  expect(list.status).toBe(0);
  const names = spawnSync('tar', ['-tf', file], { encoding: 'utf8' }).stdout.trim().split('\n').sort();
  expect(names).toEqual(
    ['etc/', 'etc/.wh.deleted', 'etc/replaced/', 'etc/replaced/.wh..wh..opq', 'etc/replaced/new', 'file', 'hard', `${long}/`, `${long}/${long}`, 'sym'].sort(),
  );
  expect(list.stdout).toMatch(/^h.* hard link to file$/m);
  expect(list.stdout).toMatch(/^l.* sym -> \/file$/m);
  const out = join(temp(), 'out');
  mkdirSync(out);
  expect(spawnSync('tar', ['-xf', file, '-C', out]).status).toBe(0);
  expect(readFileSync(join(out, long, long), 'utf8')).toBe('deep\n');
  expect(readFileSync(join(out, 'hard'), 'utf8')).toBe('content\n');
});
