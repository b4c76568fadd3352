import { afterAll, expect, test } from 'bun:test';
import { spawnSync } from 'node:child_process';
import { closeSync, linkSync, mkdirSync, openSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { upperDirTar } from '../../src/engine/tar/writer.ts';
import { LogReader } from '../../src/engine/container-store/logs.ts';
import { LogWriter } from '../../src/engine/container-store/log-format.ts';
import { parseDockerTime } from '../../src/common/timestamp.ts';
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

type Query = import('../../src/engine/container-store/logs.ts').LogQuery;

/** What `logs` prints for a log file holding `content`: raw (a container from before output.log) or records. */
async function logOf(content: string, q: Query = {}, raw = true): Promise<{ stdout: string; stderr: string }> {
  const paths = storePaths(temp(), tmpdir());
  const id = 'e'.repeat(64);
  const files = containerFiles(paths, id);
  mkdirSync(files.dir, { recursive: true });
  writeFileSync(raw ? files.rawLog : files.log, content);
  const out = { stdout: '', stderr: '' };
  await new LogReader(paths, { id } as never, q).read(async (stream, b) => {
    out[stream] += Buffer.from(b).toString();
  });
  return out;
}
const tailOf = async (content: string, tail?: number) => (await logOf(content, { tail })).stdout;

test('logs --tail counts lines from the end, with or without a final newline (raw logs of older containers)', async () => {
  expect(await tailOf('a\nb\nc\n', 2)).toBe('b\nc\n');
  expect(await tailOf('a\nb\nc', 2)).toBe('b\nc');
  expect(await tailOf('a\nb\n', 5)).toBe('a\nb\n');
  expect(await tailOf('a\nb\n', 0)).toBe('');
  expect(await tailOf('x'.repeat(200_000) + '\nlast\n', 1)).toBe('last\n');
  expect(await tailOf('a\nb\n')).toBe('a\nb\n');
});

const T1 = '2026-01-02T03:04:05.000000000Z';
const T2 = '2026-01-02T03:04:06.500000000Z';
const T3 = '2026-01-02T03:05:00.000000000Z';

test('records: streams apart, partial lines joined, --tail in lines, --since/--until, -t once per line', async () => {
  const log = [`${T1} stdout F one`, `${T1} stderr F err-1`, `${T2} stdout P par`, `${T2} stdout F t-two`, `${T3} stdout F `, `${T3} stderr P no-newline`, ''].join('\n');
  expect(await logOf(log, {}, false)).toEqual({ stdout: 'one\npart-two\n\n', stderr: 'err-1\nno-newline' });
  expect(await logOf(log, { tail: 2 }, false)).toEqual({ stdout: '\n', stderr: 'no-newline' });
  expect(await logOf(log, { tail: 3 }, false)).toEqual({ stdout: 'part-two\n\n', stderr: 'no-newline' });
  expect(await logOf(log, { since: T2 }, false)).toEqual({ stdout: 'part-two\n\n', stderr: 'no-newline' });
  expect(await logOf(log, { until: T2 }, false)).toEqual({ stdout: 'one\n', stderr: 'err-1\n' });
  expect((await logOf(log, { timestamps: true }, false)).stdout).toBe(`${T1} one\n${T2} part-two\n${T3} \n`);
  // A damaged line is skipped, the rest is read.
  expect((await logOf(`garbage\n${T1} stdout F ok\n`, {}, false)).stdout).toBe('ok\n');
});

test('a container from an older rocker started again by this one: its raw log first, then its records; --tail spans both', async () => {
  const paths = storePaths(temp(), tmpdir());
  const id = 'd'.repeat(64);
  const files = containerFiles(paths, id);
  mkdirSync(files.dir, { recursive: true });
  writeFileSync(files.rawLog, 'old-1\nold-2\n');
  writeFileSync(files.log, `${T1} stdout F new-1\n${T2} stderr F new-err\n`);
  const read = async (q: Query) => {
    const out = { stdout: '', stderr: '' };
    await new LogReader(paths, { id } as never, q).read(async (s, b) => void (out[s] += Buffer.from(b).toString()));
    return out;
  };
  expect(await read({})).toEqual({ stdout: 'old-1\nold-2\nnew-1\n', stderr: 'new-err\n' });
  expect(await read({ tail: 3 })).toEqual({ stdout: 'old-2\nnew-1\n', stderr: 'new-err\n' });
  expect(await read({ tail: 1 })).toEqual({ stdout: '', stderr: 'new-err\n' });
});

test('the writer makes records the reader gives back byte for byte', async () => {
  const paths = storePaths(temp(), tmpdir());
  const id = 'f'.repeat(64);
  const files = containerFiles(paths, id);
  mkdirSync(files.dir, { recursive: true });
  const fd = openSync(files.log, 'a');
  const w = new LogWriter(fd);
  w.write('stdout', Buffer.from('a\nb'));
  w.write('stderr', Buffer.from('\xff\x00x\n'));
  w.write('stdout', Buffer.from('c\n\n'));
  closeSync(fd);
  const out = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  await new LogReader(paths, { id } as never, {}).read(async (s, b) => void out[s].push(Buffer.from(b)));
  expect(Buffer.concat(out.stdout).toString()).toBe('a\nbc\n\n');
  expect(Buffer.concat(out.stderr)).toEqual(Buffer.from('\xff\x00x\n'));
});

test("Docker's time arguments: RFC 3339, Unix times, durations back from now", () => {
  const now = Date.parse('2026-01-02T03:04:05.678Z');
  expect(parseDockerTime('10m', now)).toBe('2026-01-02T02:54:05.678000000Z');
  expect(parseDockerTime('1h30m', now)).toBe('2026-01-02T01:34:05.678000000Z');
  expect(parseDockerTime('1767366245', now)).toBe('2026-01-02T15:04:05.000000000Z');
  expect(parseDockerTime('1767366245.25', now)).toBe('2026-01-02T15:04:05.250000000Z');
  expect(parseDockerTime('2013-01-02T13:23:37Z', now)).toBe('2013-01-02T13:23:37.000000000Z');
  expect(parseDockerTime('2013-01-02T13:23:37.123456789+01:00', now)).toBe('2013-01-02T12:23:37.123456789Z');
  for (const bad of ['', 'yesterday', '2013-13-45', '10x', '-5m']) expect(parseDockerTime(bad, now)).toBeUndefined();
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
