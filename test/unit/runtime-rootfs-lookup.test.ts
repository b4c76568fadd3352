import { afterAll, expect, test } from 'bun:test';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mknodWhiteout, setXattr, getXattr } from '../../src/engine/sys/libc.ts';
import { checkExecutable, resolveInRoot, resolveUser, singleRoot, type Root } from '../../src/engine/runtime/rootfs-lookup.ts';

// Under /var/tmp: trusted.* extended attributes need a file system that keeps them.
const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));
const temp = (prefix: string) => {
  const d = mkdtempSync(join('/var/tmp', prefix));
  made.push(d);
  return d;
};

function rootfs(): Root & { dir: string } {
  const r = temp('rocker-rootfs-');
  mkdirSync(join(r, 'bin'));
  mkdirSync(join(r, 'etc'));
  writeFileSync(join(r, 'bin', 'tool'), '#!/bin/sh\n');
  chmodSync(join(r, 'bin', 'tool'), 0o755);
  writeFileSync(join(r, 'bin', 'data'), 'x');
  symlinkSync('/bin/tool', join(r, 'bin', 'abs-link'));
  symlinkSync('../../../../../../etc/shadow', join(r, 'bin', 'escape'));
  symlinkSync('/bin', join(r, 'usrbin'));
  writeFileSync(join(r, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1001::/home/app:/bin/sh\n');
  writeFileSync(join(r, 'etc', 'group'), 'root:x:0:\napp:x:1001:\nextra:x:2000:app\nstaff:x:50:\n');
  return { ...singleRoot(r), dir: r };
}

test('symlinks resolve inside the root, never out of it', () => {
  const r = rootfs();
  expect(resolveInRoot(r, '/bin/abs-link')).toBe(join(r.dir, 'bin', 'tool'));
  expect(resolveInRoot(r, '/usrbin/tool')).toBe(join(r.dir, 'bin', 'tool'));
  expect(resolveInRoot(r, '/bin/escape')).toBeUndefined(); // <root>/etc/shadow does not exist; the host's is not looked at
  expect(resolveInRoot(r, '/../../bin/tool')).toBe(join(r.dir, 'bin', 'tool'));
  expect(resolveInRoot(r, '/bin/../etc/passwd')).toBe(join(r.dir, 'etc', 'passwd'));
  expect(resolveInRoot(r, '/nope')).toBeUndefined();
});

test("the command is checked in the container's PATH: 127 missing, 126 not executable", () => {
  const r = rootfs();
  expect(() => checkExecutable(r, 'tool', ['PATH=/usrbin'], '/')).not.toThrow();
  expect(() => checkExecutable(r, '/bin/abs-link', [], '/')).not.toThrow();
  expect(() => checkExecutable(r, './tool', [], '/bin')).not.toThrow();
  expect(() => checkExecutable(r, 'nope', ['PATH=/bin'], '/')).toThrow(expect.objectContaining({ exitCode: 127 }));
  expect(() => checkExecutable(r, '/bin/data', [], '/')).toThrow(expect.objectContaining({ exitCode: 126 }));
  expect(() => checkExecutable(r, '/bin', [], '/')).toThrow(expect.objectContaining({ exitCode: 126 }));
  expect(() => checkExecutable(r, 'data', ['PATH=/bin'], '/')).toThrow(expect.objectContaining({ exitCode: 126 }));
});

test("users from the container's passwd and group files", () => {
  const r = rootfs();
  expect(resolveUser(r, '')).toEqual({ uid: 0, gid: 0, additionalGids: [], home: '/root' });
  expect(resolveUser(r, 'app')).toEqual({ uid: 1000, gid: 1001, additionalGids: [2000], home: '/home/app' });
  expect(resolveUser(r, 'app:staff')).toMatchObject({ uid: 1000, gid: 50 });
  expect(resolveUser(r, '4242:77')).toEqual({ uid: 4242, gid: 77, additionalGids: [], home: '/' });
  expect(() => resolveUser(r, 'ghost')).toThrow(/unable to find user ghost/);
  expect(() => resolveUser(r, 'app:ghosts')).toThrow(/unable to find group ghosts/);
});

test('layers merge as overlayfs merges them: whiteouts hide, opaque directories stop, upper layers win', () => {
  const lower = rootfs();
  const upper = temp('rocker-layer-');
  mkdirSync(join(upper, 'bin'));
  mknodWhiteout(join(upper, 'bin', 'tool')); // deleted in the upper layer
  mkdirSync(join(upper, 'etc'));
  setXattr(join(upper, 'etc'), 'trusted.overlay.opaque', 'y'); // /etc replaced wholesale
  writeFileSync(join(upper, 'etc', 'passwd'), 'root:x:0:0:root:/newroot:/bin/sh\n');
  writeFileSync(join(upper, 'bin', 'data'), 'upper');
  const root: Root = { layers: [upper, lower.dir], isOpaque: (d) => getXattr(d, 'trusted.overlay.opaque') === 'y' };
  expect(resolveInRoot(root, '/bin/tool')).toBeUndefined();
  expect(resolveInRoot(root, '/bin/abs-link')).toBeUndefined(); // its target is whited out
  expect(resolveInRoot(root, '/bin/data')).toBe(join(upper, 'bin', 'data'));
  expect(resolveInRoot(root, '/usrbin/escape')).toBeUndefined();
  expect(resolveInRoot(root, '/etc/passwd')).toBe(join(upper, 'etc', 'passwd'));
  expect(resolveInRoot(root, '/etc/group')).toBeUndefined(); // below an opaque directory
  expect(resolveUser(root, 'root').home).toBe('/newroot');
  expect(() => resolveUser(root, 'app')).toThrow(/unable to find user app/);
  expect(() => checkExecutable(root, 'tool', ['PATH=/bin'], '/')).toThrow(expect.objectContaining({ exitCode: 127 }));
});
