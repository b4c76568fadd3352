// Where a rootless user's state goes, and the runtime directory's checks: a
// fallback in /tmp that someone else made, or that others can write, is refused.
import { afterAll, expect, test } from 'bun:test';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { privateDir, userDataDir, userRunDir } from '../../src/engine/rootless/dirs.ts';

const dir = mkdtempSync(join(tmpdir(), 'rocker-rootless-dirs-'));
const uid = process.getuid!();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('the store is $XDG_DATA_HOME/rocker, else ~/.local/share/rocker; a relative XDG_DATA_HOME is ignored, as the spec says', () => {
  expect(userDataDir({ XDG_DATA_HOME: '/data', HOME: '/home/a' })).toBe('/data/rocker');
  expect(userDataDir({ HOME: '/home/a' })).toBe('/home/a/.local/share/rocker');
  expect(userDataDir({ XDG_DATA_HOME: 'rel', HOME: '/home/a' })).toBe('/home/a/.local/share/rocker');
});

test('a private directory is made 0700, and an existing one is taken only if it is a directory of ours that others cannot write', () => {
  const fresh = privateDir(join(dir, 'fresh'), uid);
  expect(statSync(fresh).mode & 0o777).toBe(0o700);
  expect(privateDir(fresh, uid)).toBe(fresh);
  const open = join(dir, 'open');
  mkdirSync(open);
  chmodSync(open, 0o777);
  expect(() => privateDir(open, uid)).toThrow(/is not a private directory of uid \d+ \(owner \d+, mode 777\)/);
  const link = join(dir, 'link');
  symlinkSync(fresh, link);
  expect(() => privateDir(link, uid)).toThrow(/is not a private directory/);
  expect(() => privateDir(fresh, uid + 1)).toThrow(/is not a private directory of uid/);
});

test("the runtime directory is $XDG_RUNTIME_DIR/rocker when that directory is the user's", () => {
  const xdg = join(dir, 'xdg');
  mkdirSync(xdg, { mode: 0o700 });
  expect(userRunDir({ XDG_RUNTIME_DIR: xdg }, uid)).toBe(join(xdg, 'rocker'));
});
