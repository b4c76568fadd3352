// Named volumes (-v NAME:/path, --mount, rocker volume ...) and the run
// flags that shape a container: --entrypoint, labels, --init, --shm-size,
// --ulimit, --device.
import { expect, test } from 'bun:test';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { containerSuite } from '../helpers/container-suite.ts';
import { eventually } from '../helpers/poll.ts';
import { rocker } from '../helpers/rocker.ts';

const { env, root, dir } = containerSuite();

const ok = (args: string[]) => {
  const r = rocker(args, env);
  expect(r).toMatchObject({ stderr: '', code: 0 });
  return r.stdout;
};
/** A failure of rocker itself: one line on stderr, nothing on stdout. */
const fails = (args: string[], code: number, message: string | RegExp) => {
  const r = rocker(args, env);
  expect(r.code).toBe(code);
  expect(r.stdout).toBe('');
  expect(r.stderr.endsWith('\n') && r.stderr.trim().split('\n').length === 1).toBe(true);
  if (typeof message === 'string') expect(r.stderr).toBe(`rocker: ${message}\n`);
  else expect(r.stderr).toMatch(message);
};
const data = (name: string) => join(root, 'volumes', name, '_data');

test('volume create, ls, inspect, rm: Docker\'s outputs; an existing name is kept', () => {
  expect(ok(['volume', 'create', 'first'])).toBe('first\n');
  expect(ok(['volume', 'create', 'first'])).toBe('first\n');
  const anon = ok(['volume', 'create', '--label', 'team=db']).trim();
  expect(anon).toMatch(/^[0-9a-f]{64}$/);
  expect(ok(['volume', 'ls'])).toBe(['DRIVER  VOLUME NAME', `local   ${anon}`, 'local   first', ''].join('\n'));
  expect(ok(['volume', 'ls', '-q'])).toBe(`${anon}\nfirst\n`);
  const [info] = JSON.parse(ok(['volume', 'inspect', anon]));
  expect(info).toEqual({ Name: anon, Driver: 'local', Mountpoint: data(anon), CreatedAt: expect.any(String), Labels: { team: 'db' }, Scope: 'local', Options: {} });
  expect(new Date(info.CreatedAt).toISOString()).toBe(info.CreatedAt);
  const partly = rocker(['volume', 'inspect', 'first', 'nosuch'], env);
  expect(partly.code).toBe(1);
  expect(JSON.parse(partly.stdout).map((v: { Name: string }) => v.Name)).toEqual(['first']);
  expect(partly.stderr).toBe('rocker: no such volume: nosuch\n');
  expect(ok(['volume', 'rm', 'first', anon])).toBe(`first\n${anon}\n`);
  expect(ok(['volume', 'ls', '-q'])).toBe('');
  fails(['volume', 'rm', 'first'], 1, 'no such volume: first');
  expect(ok(['volume', 'rm', '-f', 'first'])).toBe('first\n');
  fails(['volume', 'create', '-d', 'nfs', 'x1'], 1, 'volume driver "nfs" is not supported: only local');
  // --format and --filter, Docker's keys.
  ok(['volume', 'create', '-l', 'team=web', 'labelled']);
  ok(['volume', 'create', 'used']);
  ok(['create', '--name', 'vol-user', '-v', 'used:/u', 'busybox', 'true']);
  expect(ok(['volume', 'ls', '--format', 'table {{.Name}}\t{{.Labels}}'])).toBe('VOLUME NAME   LABELS\nlabelled      team=web\nused\n');
  expect(ok(['volume', 'ls', '--filter', 'dangling=true', '-q'])).toBe('labelled\n');
  expect(ok(['volume', 'ls', '--filter', 'dangling=false', '-q'])).toBe('used\n');
  expect(ok(['volume', 'ls', '--filter', 'label=team=web', '--format', '{{.Name}} {{.Driver}}'])).toBe('labelled local\n');
  expect(ok(['volume', 'ls', '--filter', 'name=se', '-q'])).toBe('used\n');
  fails(['volume', 'ls', '--filter', 'size=1'], 1, 'invalid filter "size=1": use KEY=VALUE with KEY one of name, label, dangling, driver');
  fails(['volume', 'ls', '--format', '{{.Nope}}'], 1, 'invalid --format "{{.Nope}}": template: can\'t evaluate field Nope in type object');
  ok(['rm', 'vol-user']);
  ok(['volume', 'rm', 'labelled', 'used']);
});

test('hostile volume names never leave <root>/volumes: one line each', () => {
  const bad = /^rocker: invalid volume name "[^"]*": use 2 to 128 letters/;
  for (const name of ['../x', '..', '.hidden', 'a/b', 'x', '_x', 'a'.repeat(129)]) {
    fails(['volume', 'create', name], 1, bad);
    // Docker prints the (empty) array of what it found, then the error.
    const r = rocker(['volume', 'inspect', name], env);
    expect(r).toMatchObject({ code: 1, stdout: '[]\n', stderr: expect.stringMatching(bad) });
    fails(['volume', 'rm', name], 1, bad);
  }
  fails(['run', '--rm', '-v', '../../etc:/x', 'busybox', 'true'], 125, /"\.\.\/\.\.\/etc" is neither an absolute host path nor a volume name/);
  fails(['run', '--rm', '--mount', 'type=volume,src=../x,dst=/x', 'busybox', 'true'], 125, /"\.\.\/x" is neither/);
  expect(existsSync(join(dir, 'x'))).toBe(false);
  expect(existsSync(join(root, 'x'))).toBe(false);
});

test('-v NAME:/path: made on first use with the image\'s files, kept after rm, shared, read-only with :ro', () => {
  // Copy-up: the new volume gets the image's /etc, with its mode.
  expect(ok(['run', '--rm', '-v', 'etc:/etc', 'busybox', 'sh', '-c', 'cat /etc/passwd; echo hi > /etc/new'])).toBe(
    readFileSync(join(root, 'volumes', 'etc', '_data', 'passwd'), 'utf8') + '',
  );
  expect(readFileSync(join(data('etc'), 'passwd'), 'utf8')).toContain('root:x:0:0');
  expect(readFileSync(join(data('etc'), 'new'), 'utf8')).toBe('hi\n');
  // Survives the container; another container sees the writes; not copied up again.
  ok(['run', '--name', 'writer', '-v', 'etc:/etc', 'busybox', 'sh', '-c', 'rm /etc/passwd']);
  ok(['rm', 'writer']);
  expect(ok(['run', '--rm', '-v', 'etc:/data:ro', 'busybox', 'sh', '-c', 'ls /data | grep -c passwd; cat /data/new'])).toBe('0\nhi\n');
  const ro = rocker(['run', '--rm', '-v', 'etc:/data:ro', 'busybox', 'touch', '/data/x'], env);
  expect(ro.code).toBe(1);
  expect(ro.stderr).toContain('Read-only file system');
  // A path the image does not have: an empty volume owned as the image would make it.
  ok(['run', '--rm', '-v', 'fresh:/nowhere/deep', 'busybox', 'true']);
  expect(readdirSync(data('fresh'))).toEqual([]);
  expect(statSync(data('etc')).mode & 0o777).toBe(0o755);
  ok(['volume', 'rm', 'etc', 'fresh']);
});

test('mounts inside a bind mount are made after it, whatever the order given (ocx hides paths of the workspace so)', () => {
  const ws = join(dir, 'ws');
  mkdirSync(join(ws, 'secret'), { recursive: true });
  writeFileSync(join(ws, 'secret', 'key'), 'TOP SECRET\n');
  writeFileSync(join(ws, 'secret.txt'), 'TOP SECRET\n');
  writeFileSync(join(ws, 'plain'), 'plain\n');
  const out = ok(['run', '--rm', '--tmpfs', '/w/secret:ro,noexec,nosuid,size=1k,mode=000', '-v', '/dev/null:/w/secret.txt:ro', '-v', `${ws}:/w:rw`,
    'busybox', 'sh', '-c', 'cat /w/plain; ls -A /w/secret | wc -l; cat /w/secret.txt | wc -c; touch /w/secret/x 2>/dev/null || echo ro'])
  expect(out).toBe('plain\n0\n0\nro\n');
});

test('--mount type=volume|bind|tmpfs; volume-nocopy', () => {
  writeFileSync(join(dir, 'bound'), 'from host\n');
  const out = ok(['run', '--rm',
    '--mount', 'type=volume,source=mnt,target=/v',
    '--mount', `type=bind,src=${join(dir, 'bound')},dst=/b,readonly`,
    '--mount', 'type=tmpfs,dst=/t,tmpfs-size=1m',
    '--mount', 'type=volume,src=empty,dst=/etc,volume-nocopy',
    'busybox', 'sh', '-c', 'echo v > /v/f; cat /b; df -k /t | tail -1; ls /etc | grep -c passwd; (echo x > /b) 2>/dev/null || echo ro'])
  expect(out.split('\n')).toEqual(['from host', expect.stringMatching(/^tmpfs +1024 +0 +1024 +0% \/t$/), '0', 'ro', '']);
  expect(readFileSync(join(data('mnt'), 'f'), 'utf8')).toBe('v\n');
  fails(['run', '--rm', '--mount', 'type=nfs,dst=/x', 'busybox', 'true'], 125, 'invalid --mount "type=nfs,dst=/x": type "nfs" is not bind, volume or tmpfs');
  fails(['run', '--rm', '--mount', 'type=bind,dst=/x', 'busybox', 'true'], 125, 'invalid --mount "type=bind,dst=/x": source is missing');
  ok(['volume', 'rm', 'mnt', 'empty']);
});

test('a volume in use is not removed or pruned; a failed create leaves no new volume behind', () => {
  ok(['create', '--name', 'user', '-v', 'busy:/data', 'busybox', 'true']);
  ok(['volume', 'create', 'idle']);
  fails(['volume', 'rm', 'busy'], 1, /^rocker: volume busy is in use by container [0-9a-f]{12}: remove the container first\n$/);
  fails(['volume', 'rm', '-f', 'busy'], 1, /is in use/);
  const prune = ok(['volume', 'prune', '-f']);
  expect(prune).toMatch(/^Deleted Volumes:\nidle\n\nTotal reclaimed space: \d+(\.\d+)?[KMG]?B\n$/);
  expect(ok(['volume', 'ls', '-q'])).toBe('busy\n');
  ok(['rm', 'user']);
  expect(ok(['volume', 'ls', '-q'])).toBe('busy\n'); // volumes outlive their containers
  ok(['volume', 'rm', 'busy']);
  const r = rocker(['run', '--rm', '-v', 'doomed:/d', 'busybox', 'nosuchcmd'], env);
  expect(r.code).toBe(127);
  expect(existsSync(join(root, 'volumes', 'doomed'))).toBe(false);
  expect(ok(['volume', 'prune'])).toBe('Total reclaimed space: 0B\n');
});

test('--entrypoint replaces the image\'s ("" clears it); labels from -l and --label-file', () => {
  expect(ok(['run', '--rm', '--entrypoint', 'echo', 'busybox', 'a', 'b'])).toBe('a b\n');
  expect(ok(['run', '--rm', '--entrypoint', '', 'busybox', 'echo', 'c'])).toBe('c\n');
  fails(['run', '--rm', '--entrypoint', 'nosuch', 'busybox'], 127, /^rocker: cannot run "nosuch"/);
  writeFileSync(join(dir, 'labels'), '# team\nteam=db\n\ntier=back\n');
  ok(['create', '--name', 'labelled', '-l', 'a=1', '--label', 'tier=front', '--label-file', join(dir, 'labels'), 'busybox', 'true']);
  const [rec] = JSON.parse(ok(['inspect', 'labelled']));
  expect(rec.Config.Labels).toEqual({ team: 'db', tier: 'front', a: '1' });
  ok(['rm', 'labelled']);
  fails(['run', '--rm', '--label-file', join(dir, 'nosuch'), 'busybox', 'true'], 125, /^rocker: cannot read label file .*nosuch: no such file or directory\n$/);
});

test('--init runs tini as PID 1, which reaps orphaned zombies', () => {
  const ps = ok(['run', '--rm', '--init', 'busybox', 'sh', '-c', 'cat /proc/1/cmdline | tr "\\0" " "; echo']);
  expect(ps).toBe('/sbin/docker-init -- sh -c cat /proc/1/cmdline | tr "\\0" " "; echo \n');
  // An orphan whose parent exits is adopted by PID 1; tini reaps it, so no zombie remains.
  const out = ok(['run', '--rm', '--init', 'busybox', 'sh', '-c', '(sleep 0.1 &) ; sleep 0.5; ps -o stat,comm | grep -c "^Z" || true']);
  expect(out).toBe('0\n');
});

test('--shm-size, --ulimit (never above the host\'s hard limit), --device', () => {
  expect(ok(['run', '--rm', '--shm-size', '2m', 'busybox', 'sh', '-c', 'df -k /dev/shm | tail -1']).split(/\s+/)[1]).toBe('2048');
  expect(ok(['run', '--rm', '--ulimit', 'nofile=100:200', 'busybox', 'sh', '-c', 'ulimit -n; ulimit -Hn'])).toBe('100\n200\n');
  fails(['run', '--rm', '--ulimit', 'nofile=1:999999999', 'busybox', 'true'], 125, /^rocker: invalid --ulimit "nofile=1:999999999": the hard limit is above this host's \(\d+\): raising it needs CAP_SYS_RESOURCE/);
  fails(['run', '--rm', '--ulimit', 'nofile', 'busybox', 'true'], 125, 'invalid --ulimit "nofile": expected NAME=SOFT[:HARD], such as nofile=1024:2048');
  expect(ok(['run', '--rm', '--device', '/dev/null:/dev/mynull', 'busybox', 'sh', '-c', 'echo x > /dev/mynull && ls -l /dev/mynull']))
    .toMatch(/^crw-rw-rw- +1 root +root +1, +3 .* \/dev\/mynull\n$/);
  fails(['run', '--rm', '--device', '/etc/passwd', 'busybox', 'true'], 125, 'invalid --device "/etc/passwd": /etc/passwd is not a device');
});

test('anonymous volumes (-v /path, --mount without source): kept by rm, removed by rm -v and --rm', async () => {
  const volumes = () => ok(['volume', 'ls', '-q']).split('\n').filter(Boolean);
  expect(volumes()).toEqual([]);
  ok(['run', '--name', 'anon', '-v', '/etc', 'busybox', 'true']);
  const [name] = volumes();
  expect(name).toMatch(/^[0-9a-f]{64}$/);
  expect(existsSync(join(data(name!), 'passwd'))).toBe(true); // copied up like a named one
  expect(JSON.parse(ok(['inspect', 'anon']))[0].Mounts[0]).toMatchObject({ Type: 'volume', Name: name, Destination: '/etc' });
  expect(ok(['rm', '-v', 'anon'])).toBe('anon\n');
  expect(volumes()).toEqual([]);
  ok(['run', '--name', 'kept', '--mount', 'type=volume,dst=/data', 'busybox', 'true']);
  ok(['rm', 'kept']);
  expect(volumes()).toHaveLength(1); // plain rm keeps them, as Docker does
  ok(['volume', 'prune']);
  ok(['run', '--rm', '-v', '/data', 'busybox', 'true']);
  expect(volumes()).toEqual([]);
  ok(['run', '-d', '--rm', '-v', '/data', 'busybox', 'true']);
  await eventually(() => volumes().length === 0, 'the monitor of a --rm container to remove its anonymous volume');
});

test('system prune: stopped containers, unused images and layers; --volumes also unused volumes', () => {
  ok(['run', '-d', '--name', 'alive', 'busybox', 'sleep', '1000']);
  const dead = ok(['create', '--name', 'dead', '-v', 'kept-vol:/x', 'busybox', 'true']).trim();
  ok(['volume', 'create', 'lonely']);
  const out = ok(['system', 'prune', '-f']).split('\n');
  expect(out.slice(0, 3)).toEqual(['Deleted Containers:', dead, '']);
  expect(out.at(-2)).toMatch(/^Total reclaimed space: /);
  expect(ok(['ps', '-a', '--format', '{{.Names}}'])).toBe('alive\n');
  expect(ok(['volume', 'ls', '-q'])).toBe('kept-vol\nlonely\n');
  const all = ok(['system', 'prune', '-a', '--volumes']);
  expect(all).toContain('Deleted Volumes:\nkept-vol\nlonely\n');
  expect(ok(['volume', 'ls', '-q'])).toBe('');
  expect(ok(['images', '--format', '{{.Repository}}:{{.Tag}}'])).toBe('busybox:latest\n'); // -a, but used by "alive"
  expect(all).not.toContain('busybox');
  ok(['rm', '-f', 'alive']);
});
