import { expect, test } from 'bun:test';
import { spawnSync } from 'node:child_process';
import { cksum, containerName, containerWorkspacePath, derivedPort, dirVolumeName, sanitizeRemoteUrl, volumeBaseName } from '../../src/ocx/naming.ts';

test('cksum matches POSIX cksum', () => {
  for (const s of ['', 'a', '/home/user/projects/my-app', 'x'.repeat(300), 'ünïcödé/path']) {
    const r = spawnSync('cksum', [], { input: s, encoding: 'utf8' });
    expect(cksum(s)).toBe(Number(r.stdout.split(' ')[0]));
  }
});

test('the port of /home/user/projects/my-app is 59068, as in the original', () => {
  expect(derivedPort('/home/user/projects/my-app')).toBe(59068);
  for (const p of ['/', '/tmp/x', '/a/very/long/path/'.repeat(10)]) {
    const port = derivedPort(p);
    expect(port).toBeGreaterThanOrEqual(32768);
    expect(port).toBeLessThanOrEqual(65535);
  }
});

test('container names: ocx-<basename>-<port>, or <container_name>-<port>', () => {
  expect(containerName('/home/user/projects/my-app', 59068)).toBe('ocx-my-app-59068');
  expect(containerName('/home/user/projects/my-app', 59068, 'dev')).toBe('dev-59068');
});

test('workspace path: under /home/<user> when under $HOME, else under /workspace', () => {
  expect(containerWorkspacePath('/home/alice/code/app', '/home/alice', 'bob')).toBe('/home/bob/code/app');
  expect(containerWorkspacePath('/srv/app', '/home/alice', 'alice')).toBe('/workspace/srv/app');
  expect(containerWorkspacePath('/home/alice', '/home/alice/', 'alice')).toBe('/home/alice/');
  // A sibling that merely shares the prefix is not under $HOME.
  expect(containerWorkspacePath('/home/alice2/app', '/home/alice', 'alice')).toBe('/workspace/home/alice2/app');
});

test('https and ssh remotes of one repository give the same volume name', () => {
  const https = 'https://github.com/palekiwi-labs/ocx.git';
  const ssh = 'git@github.com:palekiwi-labs/ocx.git';
  expect(sanitizeRemoteUrl(https)).toBe('github-com-palekiwi-labs-ocx');
  expect(sanitizeRemoteUrl(ssh)).toBe('github-com-palekiwi-labs-ocx');
  expect(sanitizeRemoteUrl('ssh://git@gitlab.example.com:2222/Group_X/Repo.Name.git')).toBe('git-gitlab-com-2222-group-x-repo-name'.replace('gitlab-com', 'gitlab-example-com'));
  expect(volumeBaseName('git', null, { inRepo: true, remoteUrl: ssh, root: '/r' }, '/r')).toBe('ocx-git-github-com-palekiwi-labs-ocx');
});

test('very long remotes become git-<16 hex of md5(url)>', () => {
  const url = `https://example.com/${'a'.repeat(250)}.git`;
  expect(sanitizeRemoteUrl(url)).toMatch(/^git-[0-9a-f]{16}$/);
});

test('ocx-dir- names: 9 hex characters of sha256 of the path (Nushell\'s inclusive 0..8)', () => {
  const expected = spawnSync('sh', ['-c', "printf %s /home/user/projects/my-app | sha256sum | cut -c1-9"], { encoding: 'utf8' }).stdout.trim();
  expect(dirVolumeName('/home/user/projects/my-app')).toBe(`ocx-dir-${expected}`);
});

test('volume modes', () => {
  const none = { inRepo: false };
  const noRemote = { inRepo: true, root: '/repo' };
  expect(volumeBaseName('git', null, none, '/x')).toBeUndefined();
  expect(volumeBaseName('always', null, none, '/x')).toBe(dirVolumeName('/x'));
  expect(volumeBaseName('git', null, noRemote, '/repo/sub')).toBe(dirVolumeName('/repo'));
  expect(volumeBaseName('never', null, noRemote, '/repo')).toBeUndefined();
  expect(volumeBaseName('never', 'mine', none, '/x')).toBe('mine');
});
