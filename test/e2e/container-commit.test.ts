// rocker commit: a container's changes become a new layer of a new image.
import { expect, test } from 'bun:test';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { containerSuite } from '../helpers/container-suite.ts';
import { eventually } from '../helpers/poll.ts';
import { rocker } from '../helpers/rocker.ts';

const { env, root } = containerSuite();

const long = 'd'.repeat(60);
const changes = [
  'echo hello > /hello.txt',
  'rm /bin/cat',
  'mkdir /data && echo a > /data/a && echo b > /data/b',
  'ln /hello.txt /hardlink.txt',
  'ln -s /hello.txt /symlink.txt',
  `mkdir -p /${long}/${long} && echo deep > /${long}/${long}/${long}.txt`,
].join(' && ');

test('commit then run the new image: additions, deletions (whiteouts), links, long names', () => {
  expect(rocker(['run', '--name', 'changed', 'busybox', 'sh', '-c', changes], env).code).toBe(0);
  const c = rocker(['commit', 'changed', 'mine:v1'], env);
  expect(c.stderr).toBe('');
  expect(c.code).toBe(0);
  expect(c.stdout).toMatch(/^Committed mine:v1 \(ID: [0-9a-f]{12}, Size: [\d.]+[KM]?B\)\n$/);
  expect(rocker(['images'], env).stdout).toMatch(/\nmine +v1 /);
  const check = [
    'cat /hello.txt /hardlink.txt',
    'readlink /symlink.txt',
    'ls /data',
    'test -e /bin/cat && echo CAT-PRESENT || echo CAT-GONE',
    `cat /${long}/${long}/${long}.txt`,
    'stat -c %h /hello.txt',
  ].join('; ');
  const r = rocker(['run', '--rm', 'mine:v1', 'sh', '-c', check], env);
  expect(r.stderr).toBe('');
  expect(r.stdout).toBe('hello\nhello\n/hello.txt\na\nb\nCAT-GONE\ndeep\n2\n');
  // The base image is untouched.
  const base = rocker(['run', '--rm', 'busybox', 'sh', '-c', 'test -e /bin/cat && echo CAT-PRESENT; test -e /hello.txt || echo NO-HELLO'], env);
  expect(base.stdout).toBe('CAT-PRESENT\nNO-HELLO\n');
  // The runtime's mount targets (/etc/hosts, /etc/hostname) are not part of the commit.
  const image = JSON.parse(readFileSync(join(root, 'images', 'mine', 'v1', 'image.json'), 'utf8'));
  const top = join(root, 'layers', 'sha256', image.layers.at(-1).slice(7), 'diff');
  expect(existsSync(join(top, 'hello.txt'))).toBe(true);
  expect(existsSync(join(top, 'etc', 'hosts'))).toBe(false);
  expect(existsSync(join(top, 'etc', 'hostname'))).toBe(false);
});

test('a commit of a commit stacks layers; a directory replaced in the container is opaque in the image', () => {
  expect(rocker(['run', '--name', 'second', 'mine:v1', 'sh', '-c', 'echo two > /two.txt && rm -rf /data && mkdir /data && echo c > /data/c'], env).code).toBe(0);
  expect(rocker(['commit', 'second', 'mine:v2'], env).code).toBe(0);
  const inspect = JSON.parse(rocker(['inspect', 'mine:v2'], env).stdout);
  const rec = Array.isArray(inspect) ? inspect[0] : inspect;
  expect(rec.layers.length).toBe(3);
  expect(rocker(['run', '--rm', 'mine:v2', 'sh', '-c', 'cat /hello.txt /two.txt; ls /data'], env).stdout).toBe('hello\ntwo\nc\n');
});

test('a running container can be committed; bad names and unknown containers fail with one line', async () => {
  expect(rocker(['run', '-d', '--name', 'live', 'busybox', 'sh', '-c', 'echo live > /live.txt; sleep 1000'], env).code).toBe(0);
  await eventually(() => rocker(['exec', 'live', 'test', '-e', '/live.txt'], env).code === 0, 'the file to be written');
  expect(rocker(['commit', 'live', 'fromlive'], env).code).toBe(0);
  expect(rocker(['run', '--rm', 'fromlive', 'cat', '/live.txt'], env)).toEqual({ code: 0, stdout: 'live\n', stderr: '' });
  const badName = rocker(['commit', 'live', 'Bad:Name'], env);
  expect(badName.code).toBe(1);
  expect(badName.stderr).toMatch(/^rocker: invalid image name "Bad:Name".*\n$/);
  expect(rocker(['commit', 'ghost', 'x'], env)).toMatchObject({ code: 1, stderr: 'rocker: no such container: ghost\n' });
  expect(rocker(['rm', '-f', 'live'], env).code).toBe(0);
});

test('rmi refuses an image a container uses', () => {
  expect(rocker(['run', '--name', 'user-of-v2', 'mine:v2', 'true'], env).code).toBe(0);
  const r = rocker(['rmi', 'mine:v2'], env);
  expect(r.code).not.toBe(0);
  expect(r.stderr).toMatch(/user-of-v2/);
  expect(rocker(['rm', 'user-of-v2'], env).code).toBe(0);
  expect(rocker(['rmi', 'mine:v2'], env).code).toBe(0);
});
