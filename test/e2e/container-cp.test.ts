// rocker cp, both ways, with running and stopped containers: Docker's naming
// rules, owners and links kept, and no way out of the container.
import { expect, test } from 'bun:test';
import { chownSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { containerSuite } from '../helpers/container-suite.ts';
import { rocker, ROCKER } from '../helpers/rocker.ts';
import { spawnSync } from 'node:child_process';

const { env, dir, root } = containerSuite();

const ok = (args: string[]) => {
  const r = rocker(args, env);
  expect(r).toMatchObject({ stderr: '', code: 0 });
  return r.stdout;
};
const fails = (args: string[], message: string | RegExp) => {
  const r = rocker(args, env);
  expect(r.code).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  if (typeof message === 'string') expect(r.stderr).toBe(`rocker: ${message}\n`);
  else expect(r.stderr).toMatch(message);
};

/** A host tree: a file owned by 1000:1000 with mode 0640, a subdirectory, and a link pointing out of wherever it lands. */
function hostTree(name: string): string {
  const src = join(dir, name);
  mkdirSync(join(src, 'sub'), { recursive: true });
  writeFileSync(join(src, 'a'), 'a\n', { mode: 0o640 });
  chownSync(join(src, 'a'), 1000, 1000);
  writeFileSync(join(src, 'sub', 'b'), 'b\n');
  symlinkSync('/etc/shadow', join(src, 'evil'));
  return src;
}

test('out of a stopped container: a tree (merged layers), a file, into a directory or as a new name', () => {
  ok(['run', '--name', 'cp-stopped', 'busybox', 'sh', '-c', 'mkdir -p /data/d && echo in > /data/d/f && chown 7:8 /data/d/f && ln -s /etc/passwd /data/lnk && rm /etc/group']);
  ok(['cp', 'cp-stopped:/data', join(dir, 'out')]);
  expect(readFileSync(join(dir, 'out', 'd', 'f'), 'utf8')).toBe('in\n');
  expect(statSync(join(dir, 'out', 'd', 'f'))).toMatchObject({ uid: 7, gid: 8 });
  expect(readlinkSync(join(dir, 'out', 'lnk'))).toBe('/etc/passwd'); // a link stays a link
  ok(['cp', 'cp-stopped:/data', join(dir, 'out')]); // into the existing directory: out/data
  expect(existsSync(join(dir, 'out', 'data', 'd', 'f'))).toBe(true);
  ok(['cp', 'cp-stopped:/data/d/f', dir]);
  expect(readFileSync(join(dir, 'f'), 'utf8')).toBe('in\n');
  ok(['cp', 'cp-stopped:/data/d/.', join(dir, 'contents')]);
  expect(readFileSync(join(dir, 'contents', 'f'), 'utf8')).toBe('in\n');
  // The image's /etc merged with the container's deletion: group is gone, passwd is there.
  ok(['cp', 'cp-stopped:/etc', join(dir, 'etc')]);
  expect(existsSync(join(dir, 'etc', 'passwd'))).toBe(true);
  expect(existsSync(join(dir, 'etc', 'group'))).toBe(false);
  fails(['cp', 'cp-stopped:/nope', dir], 'no such file or directory in container cp-stopped: /nope');
  fails(['cp', 'cp-stopped:/etc/group', dir], 'no such file or directory in container cp-stopped: /etc/group');
  fails(['cp', 'cp-stopped:/data', join(dir, 'f')], `cannot copy directory /data to ${join(dir, 'f')}: it is a file`);
  fails(['cp', 'cp-stopped:/data', join(dir, 'missing', 'x')], `cannot copy to ${join(dir, 'missing', 'x')}: ${join(dir, 'missing')} is not a directory`);
});

test('into a stopped container: kept in its upper directory, seen when it starts again; owners and links kept', () => {
  const src = hostTree('tree1');
  ok(['cp', src, 'cp-stopped:/data/']);
  ok(['cp', join(src, 'a'), 'cp-stopped:/newname']);
  ok(['cp', join(src, 'a'), 'cp-stopped:/etc/group']); // over a deleted (whited-out) file
  const seen = ok(['run', '--rm', 'busybox', 'true']) + rocker(['start', '-a', 'cp-stopped'], env).stdout;
  expect(seen).toBe('');
  const [rec] = JSON.parse(ok(['inspect', 'cp-stopped']));
  expect(rec.State.Status).toBe('exited');
  ok(['cp', 'cp-stopped:/data/tree1', join(dir, 'back1')]);
  expect(readFileSync(join(dir, 'back1', 'sub', 'b'), 'utf8')).toBe('b\n');
  expect(lstatSync(join(dir, 'back1', 'a'))).toMatchObject({ uid: 1000, gid: 1000 });
  expect(lstatSync(join(dir, 'back1', 'a')).mode & 0o777).toBe(0o640);
  expect(readlinkSync(join(dir, 'back1', 'evil'))).toBe('/etc/shadow');
  ok(['cp', 'cp-stopped:/newname', join(dir, 'newname')]);
  expect(readFileSync(join(dir, 'newname'), 'utf8')).toBe('a\n');
  ok(['cp', 'cp-stopped:/etc/group', join(dir, 'group')]);
  expect(readFileSync(join(dir, 'group'), 'utf8')).toBe('a\n');
  fails(['cp', join(dir, 'nosuch'), 'cp-stopped:/x'], `cannot copy ${join(dir, 'nosuch')}: no such file or directory`);
  fails(['cp', src, 'cp-stopped:/nodir/x'], 'no such file or directory in container cp-stopped: /nodir');
  fails(['cp', src, 'cp-stopped:/newname'], `cannot copy directory ${src} to cp-stopped:/newname: it is a file`);
});

test('a running container: both ways, through its own view (volumes too)', () => {
  ok(['run', '-d', '--name', 'cp-live', '-v', 'cpvol:/vol', 'busybox', 'sleep', '1000']);
  const src = hostTree('tree2');
  ok(['cp', src, 'cp-live:/vol/']);
  expect(ok(['exec', 'cp-live', 'cat', '/vol/tree2/a', '/vol/tree2/sub/b'])).toBe('a\nb\n');
  expect(ok(['exec', 'cp-live', 'stat', '-c', '%u:%g %a', '/vol/tree2/a'])).toBe('1000:1000 640\n');
  ok(['exec', 'cp-live', 'sh', '-c', 'echo live > /live']);
  ok(['cp', 'cp-live:/live', join(dir, 'live')]);
  expect(readFileSync(join(dir, 'live'), 'utf8')).toBe('live\n');
  ok(['rm', '-f', 'cp-live']);
  ok(['volume', 'rm', 'cpvol']);
});

test("a stopped container's volumes are copied through their sources; a read-only one is refused", () => {
  ok(['run', '--name', 'cp-vols', '-v', 'cpdata:/data', '-v', 'cpro:/ro:ro', 'busybox', 'sh', '-c', 'echo vol > /data/v']);
  ok(['cp', 'cp-vols:/data', join(dir, 'voldata')]);
  expect(readFileSync(join(dir, 'voldata', 'v'), 'utf8')).toBe('vol\n');
  ok(['cp', 'cp-vols:/data/v', join(dir, 'v-file')]);
  expect(readFileSync(join(dir, 'v-file'), 'utf8')).toBe('vol\n');
  ok(['cp', join(dir, 'v-file'), 'cp-vols:/data/from-host']);
  expect(ok(['run', '--rm', '-v', 'cpdata:/d', 'busybox', 'cat', '/d/from-host'])).toBe('vol\n');
  fails(['cp', join(dir, 'v-file'), 'cp-vols:/ro/x'], 'cannot copy into cp-vols:/ro/x: /ro is mounted read-only');
  ok(['rm', 'cp-vols']);
  ok(['volume', 'rm', 'cpdata', 'cpro']);
});

test('links and .. never lead out of the container; bad operands fail with one line', () => {
  ok(['run', '--name', 'cp-links', 'busybox', 'sh', '-c', 'ln -s / /rootlink && ln -s ../../../../etc /up']);
  const marker = join(dir, 'host-marker');
  // Written through links that point "out": they resolve inside the container.
  ok(['cp', hostTree('tree3'), 'cp-links:/rootlink/../../../tmp/']);
  ok(['cp', join(dir, 'tree3', 'a'), `cp-links:/up/escaped`]);
  expect(existsSync('/tmp/tree3')).toBe(false);
  expect(existsSync('/etc/escaped')).toBe(false);
  ok(['cp', 'cp-links:/tmp/tree3/a', marker]);
  expect(readFileSync(marker, 'utf8')).toBe('a\n');
  ok(['cp', 'cp-links:/etc/escaped', join(dir, 'escaped')]);
  // Read through a link to the container's /: the container's passwd, not the host's.
  ok(['cp', 'cp-links:/rootlink/etc/passwd', join(dir, 'passwd')]);
  expect(readFileSync(join(dir, 'passwd'), 'utf8')).not.toBe(readFileSync('/etc/passwd', 'utf8'));
  fails(['cp', join(dir, 'a'), join(dir, 'b')], 'cp copies between a container and the host: name the container on exactly one side, as CONTAINER:PATH');
  fails(['cp', 'cp-links:/a', 'cp-links:/b'], 'cp copies between a container and the host: name the container on exactly one side, as CONTAINER:PATH');
  fails(['cp', 'ghost:/a', dir], 'no such container: ghost');
  ok(['rm', 'cp-links', 'cp-stopped']);
});

/** Member lines of a tar as GNU tar lists them: "mode owner/group name[ -> target]". */
const tarList = (tar: Buffer) => {
  const r = spawnSync('tar', ['-tv', '--numeric-owner', '-f', '-'], { input: tar, encoding: 'utf8' });
  expect(r.status).toBe(0);
  return r.stdout
    .trim()
    .split('\n')
    .map((l) => l.split(/\s+/))
    .map((f) => `${f[0]} ${f[1]} ${f.slice(5).join(' ')}`);
};

test('cp CONTAINER:PATH - writes a tar of the path to stdout: its name at the top, owners and links kept', () => {
  ok(['run', '--name', 'cp-tar-out', 'busybox', 'sh', '-c', 'mkdir -p /data/d && echo in > /data/d/f && chown 7:8 /data/d/f && chmod 640 /data/d/f && ln -s /etc/passwd /data/lnk']);
  const r = spawnSync(ROCKER, ['cp', 'cp-tar-out:/data', '-'], { env });
  expect(r.status).toBe(0);
  expect(r.stderr.toString()).toBe('');
  expect(tarList(r.stdout).sort()).toEqual(['-rw-r----- 7/8 data/d/f', 'drwxr-xr-x 0/0 data/', 'drwxr-xr-x 0/0 data/d/', 'lrwxrwxrwx 0/0 data/lnk -> /etc/passwd']);
  const file = spawnSync(ROCKER, ['cp', 'cp-tar-out:/data/d/f', '-'], { env });
  expect(tarList(file.stdout)).toEqual(['-rw-r----- 7/8 f']);
  expect(spawnSync('tar', ['-xO', '-f', '-'], { input: file.stdout }).stdout.toString()).toBe('in\n');
  fails(['cp', 'cp-tar-out:/nothing', '-'], 'no such file or directory in container cp-tar-out: /nothing');
  ok(['rm', 'cp-tar-out']);
});

test('cp - CONTAINER:DIR extracts a tar from stdin into a directory; hostile members are refused, nothing written', () => {
  ok(['create', '--name', 'cp-tar-in', 'busybox', 'sh', '-c', 'cat /in/top/a; stat -c "%u:%g %a" /in/top/a; readlink /in/top/evil; cat /in/top/sub/b']);
  const src = hostTree('tar-src');
  const tar = spawnSync('tar', ['-c', '-f', '-', '-C', src, '--transform', 's,^\\.,top,', '.']).stdout;
  const r = spawnSync(ROCKER, ['cp', '-', 'cp-tar-in:/in/'], { env, input: tar });
  expect({ code: r.status, stderr: r.stderr.toString() }).toEqual({ code: 1, stderr: 'rocker: no such directory in container cp-tar-in: /in/\n' });
  ok(['cp', join(dir, 'tar-src', 'sub'), 'cp-tar-in:/in']);
  const good = spawnSync(ROCKER, ['cp', '-', 'cp-tar-in:/in'], { env, input: tar });
  expect({ code: good.status, stdout: good.stdout.toString(), stderr: good.stderr.toString() }).toEqual({ code: 0, stdout: '', stderr: '' });
  expect(ok(['start', '-a', 'cp-tar-in'])).toBe('a\n1000:1000 640\n/etc/shadow\nb\n');
  // A gzip-compressed tar is accepted too, as Docker's is.
  const gz = spawnSync('gzip', ['-c'], { input: tar }).stdout;
  expect(spawnSync(ROCKER, ['cp', '-', 'cp-tar-in:/in/top/sub'], { env, input: gz }).status).toBe(0);
  // Not a directory: Docker's rule for a tar on stdin.
  const file = spawnSync(ROCKER, ['cp', '-', 'cp-tar-in:/etc/passwd'], { env, input: tar });
  expect({ code: file.status, stderr: file.stderr.toString() }).toEqual({ code: 1, stderr: 'rocker: cannot extract a tar into cp-tar-in:/etc/passwd: not a directory\n' });
  // A member climbing out with .. : the engine's member guard refuses the whole archive.
  const evil = spawnSync('tar', ['-c', '-f', '-', '-P', '--transform', 's,^.*/a$,../../fled,', join(src, 'a')]).stdout;
  const bad = spawnSync(ROCKER, ['cp', '-', 'cp-tar-in:/in'], { env, input: evil });
  expect(bad.status).toBe(1);
  expect(bad.stderr.toString()).toMatch(/^rocker: cannot copy the tar on stdin into cp-tar-in:\/in: .*\.\.\/\.\.\/fled.*\n$/);
  expect(ok(['start', '-a', 'cp-tar-in'])).toBe('a\n1000:1000 640\n/etc/shadow\nb\n');
  for (const where of [dir, root, join(root, 'tmp')]) expect(existsSync(join(where, 'fled'))).toBe(false);
  const junk = spawnSync(ROCKER, ['cp', '-', 'cp-tar-in:/in'], { env, input: 'not a tar at all\n' });
  expect(junk.status).toBe(1);
  expect(junk.stderr.toString()).toBe('rocker: cannot copy the tar on stdin into cp-tar-in:/in: not a tar archive\n');
  ok(['rm', 'cp-tar-in']);
  // The staging directories are gone, after failures too.
  expect(existsSync(join(root, 'tmp')) ? readdirSync(join(root, 'tmp')) : []).toEqual([]);
});
