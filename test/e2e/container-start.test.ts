// create, start (again, on the same files), restart, rename, container
// ls/prune, exec -d, help: the lifecycle Docker users script against.
import { expect, test } from 'bun:test';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { containerSuite } from '../helpers/container-suite.ts';
import { eventually } from '../helpers/poll.ts';
import { psAll, rocker, ROCKER } from '../helpers/rocker.ts';

const { env, root } = containerSuite();

const entry = (name: string) => psAll(env).find((c) => c.name === name);
const ok = (args: string[]) => {
  const r = rocker(args, env);
  expect(r).toMatchObject({ code: 0, stderr: '' });
  return r.stdout;
};
const names = () => readdirSync(join(root, 'containers', '.names')).sort();

test('create, then start -a: runs with the image and command given; start again keeps its files', () => {
  const id = ok(['create', '--name', 'counter', '-e', 'WHO=you', 'busybox', 'sh', '-c', 'echo "hi $WHO"; echo x >> /f; wc -l < /f']).trim();
  expect(id).toMatch(/^[0-9a-f]{64}$/);
  expect(entry('counter')).toMatchObject({ id, status: 'created', pid: null, exit_code: null });
  expect(rocker(['start', '-a', 'counter'], env)).toEqual({ code: 0, stdout: 'hi you\n1\n', stderr: '' });
  expect(rocker(['start', '-a', id.slice(0, 10)], env)).toEqual({ code: 0, stdout: 'hi you\n2\n', stderr: '' });
  expect(entry('counter')).toMatchObject({ status: 'exited', exit_code: 0 });
  // Detached: prints the name, as Docker does; the log gathers every run.
  expect(rocker(['start', 'counter'], env)).toEqual({ code: 0, stdout: 'counter\n', stderr: '' });
  expect(rocker(['wait', 'counter'], env).stdout).toBe('0\n');
  expect(rocker(['logs', 'counter'], env).stdout).toBe('hi you\n1\nhi you\n2\nhi you\n3\n');
  ok(['rm', 'counter']);
});

test("start -a exits with the container's code; a command that cannot run keeps the container, as Docker does", () => {
  ok(['create', '--name', 'three', 'busybox', 'sh', '-c', 'exit 3']);
  expect(rocker(['start', '-a', 'three'], env).code).toBe(3);
  expect(entry('three')).toMatchObject({ status: 'exited', exit_code: 3 });
  ok(['create', '--name', 'gone', 'busybox', 'sh', '-c', 'rm /bin/sh /bin/busybox']);
  expect(rocker(['start', '-a', 'gone'], env).code).toBe(0);
  const again = rocker(['start', '-a', 'gone'], env);
  expect(again.code).toBe(127);
  expect(again.stderr.trim().split('\n')).toHaveLength(1);
  expect(again.stderr).toStartWith('rocker: cannot start container gone: ');
  expect(entry('gone')).toMatchObject({ status: 'exited', exit_code: 127 });
  ok(['rm', 'three', 'gone']);
});

test('create with bad input: one line, Docker code 125, nothing left behind', () => {
  const before = readdirSync(join(root, 'containers')).length;
  for (const [args, msg] of [
    [['create', 'nosuch', 'true'], /^rocker: .*nosuch/],
    [['create', '-m', '12q', 'busybox', 'true'], /^rocker: invalid memory limit "12q"/],
    [['create', '--name', '../x', 'busybox', 'true'], /^rocker: invalid container name "\.\.\/x"/],
    [['create', 'busybox', 'nosuchcmd'], /^rocker: cannot run "nosuchcmd"/],
    [['create'], /^rocker: create needs an image/],
  ] as const) {
    const r = rocker([...args], env);
    expect(r.code).toBe(args[1] === 'busybox' && args[2] === 'nosuchcmd' ? 127 : 125);
    expect(r.stderr).toMatch(msg);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  }
  expect(readdirSync(join(root, 'containers'))).toHaveLength(before);
});

test('start of a running container is a no-op; start of nothing fails with one line', () => {
  ok(['run', '-d', '--name', 'up', 'busybox', 'sleep', '1000']);
  const pid = entry('up')!.pid;
  expect(rocker(['start', 'up'], env)).toEqual({ code: 0, stdout: 'up\n', stderr: '' });
  expect(entry('up')!.pid).toBe(pid);
  expect(rocker(['start', 'nosuch'], env)).toEqual({ code: 1, stdout: '', stderr: 'rocker: no such container: nosuch\n' });
  expect(rocker(['start', 'up', 'nosuch'], env)).toEqual({ code: 1, stdout: 'up\n', stderr: 'rocker: no such container: nosuch\n' });
  ok(['rm', '-f', 'up']);
});

test('a container created with -t must be started attached', () => {
  ok(['create', '-t', '--name', 'tty', 'busybox', 'true']);
  expect(rocker(['start', 'tty'], env)).toEqual({ code: 1, stdout: '', stderr: "rocker: container tty was created with a terminal (-t): start it attached with 'rocker start -a tty'\n" });
  // Without any terminal (setsid, CI) start -a still runs it in a terminal of rocker's, as run -t does.
  const noTerminal = (args: string[]) => spawnSync('setsid', ['-w', ROCKER, ...args], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  expect(noTerminal(['start', '-a', 'tty'])).toMatchObject({ status: 0, stdout: '', stderr: '' });
  ok(['rm', 'tty']);
  ok(['create', '-it', '--name', 'tty-in', 'busybox', 'sh', '-c', 'test -t 0 && echo IS-A-TTY']);
  expect(noTerminal(['start', '-a', 'tty-in'])).toMatchObject({ status: 0, stdout: 'IS-A-TTY\r\n', stderr: '' });
  // -i with a terminal in the container needs one on stdin: Docker's line, exit 1, and the container is left as it was.
  expect(noTerminal(['start', '-ai', 'tty-in'])).toMatchObject({ status: 1, stdout: '', stderr: 'rocker: the input device is not a TTY\n' });
  expect(psAll(env).find((c) => c.name === 'tty-in')).toMatchObject({ status: 'exited', exit_code: 0 });
  ok(['rm', 'tty-in']);
});

test('restart: a new process in the same container; a --rm container is kept across it', async () => {
  ok(['run', '-d', '--name', 'again', 'busybox', 'sh', '-c', 'echo run >> /runs; sleep 1000']);
  const first = entry('again')!.pid;
  expect(rocker(['restart', '-t', '0', 'again'], env)).toEqual({ code: 0, stdout: 'again\n', stderr: '' });
  const second = entry('again')!;
  expect(second.status).toBe('running');
  expect(second.pid).not.toBe(first);
  expect(rocker(['exec', 'again', 'cat', '/runs'], env).stdout).toBe('run\nrun\n');
  // restart of an ended container starts it
  ok(['stop', '-t', '0', 'again']);
  ok(['restart', 'again']);
  expect(entry('again')!.status).toBe('running');
  ok(['rm', '-f', 'again']);

  // stop then start at once: the bridge network the old monitor releases after the exit must not win.
  ok(['run', '-d', '--name', 'quick', 'busybox', 'sleep', '1000']);
  ok(['stop', '-t', '0', 'quick']);
  ok(['start', 'quick']);
  expect(entry('quick')!.status).toBe('running');
  expect(rocker(['exec', 'quick', 'ip', '-4', 'addr', 'show', 'eth0'], env).stdout).toMatch(/ inet \d+\.\d+\.\d+\.\d+\/\d+ /);
  ok(['rm', '-f', 'quick']);

  ok(['run', '-d', '--rm', '--name', 'temp', 'busybox', 'sleep', '1000']);
  ok(['restart', '-t', '0', 'temp']);
  expect(entry('temp')!.status).toBe('running');
  ok(['stop', '-t', '0', 'temp']);
  await eventually(() => entry('temp') === undefined, '--rm to remove the container');
  expect(names()).toEqual([]);
});

test('rename: the new name works and the old one is free; taken, invalid and unknown names fail with one line', async () => {
  ok(['create', '--name', 'before', 'busybox', 'true']);
  ok(['create', '--name', 'other', 'busybox', 'true']);
  expect(rocker(['rename', 'before', 'after'], env)).toEqual({ code: 0, stdout: '', stderr: '' });
  expect(entry('after')).toBeDefined();
  expect(rocker(['start', '-a', 'before'], env).stderr).toBe('rocker: no such container: before\n');
  expect(rocker(['rename', 'after', 'other'], env)).toMatchObject({ code: 1, stderr: expect.stringMatching(/^rocker: container name "other" is already in use by container [0-9a-f]{12}\n$/) });
  expect(rocker(['rename', 'after', '../../etc'], env)).toMatchObject({ code: 1, stderr: expect.stringMatching(/^rocker: invalid container name "\.\.\/\.\.\/etc"/) });
  expect(rocker(['rename', 'after', 'after'], env)).toEqual({ code: 1, stdout: '', stderr: 'rocker: container after already has the name "after"\n' });
  expect(rocker(['rename', 'nosuch', 'x'], env)).toEqual({ code: 1, stdout: '', stderr: 'rocker: no such container: nosuch\n' });
  expect(rocker(['rename', 'after'], env).code).toBe(125);
  ok(['create', '--name', 'before', 'busybox', 'true']); // the old name is free again
  ok(['rm', 'after', 'other', 'before']);
  // A running --rm container renamed: its end still removes it and its (new) name.
  ok(['run', '-d', '--rm', '--name', 'moving', 'busybox', 'sleep', '1000']);
  ok(['rename', 'moving', 'moved']);
  ok(['stop', '-t', '0', 'moved']);
  await eventually(() => entry('moved') === undefined, '--rm to remove the container');
  expect(names()).toEqual([]);
});

test('container ls/prune: prune removes every container that is not running', () => {
  ok(['run', '-d', '--name', 'keep', 'busybox', 'sleep', '1000']);
  const done = ok(['run', '-d', '--name', 'done', 'busybox', 'true']).trim();
  const fresh = ok(['create', '--name', 'fresh', 'busybox', 'true']).trim();
  expect(rocker(['wait', 'done'], env).stdout).toBe('0\n');
  expect(ok(['container', 'ls', '-q'])).toBe(ok(['ps', '-q']));
  expect(ok(['container', 'list', '-aq']).trim().split('\n').sort()).toEqual(ok(['ps', '-aq']).trim().split('\n').sort());
  const prune = ok(['container', 'prune', '-f']).split('\n');
  expect(prune[0]).toBe('Deleted Containers:');
  expect(prune.slice(1, 3).sort()).toEqual([done, fresh].sort());
  expect(prune[3]).toBe('');
  expect(prune[4]).toMatch(/^Total reclaimed space: \d+(\.\d+)?[KMG]?B$/);
  expect(ok(['ps', '-a', '--format', 'json'])).toContain('"keep"');
  expect(entry('done')).toBeUndefined();
  expect(ok(['container', 'prune'])).toBe('Total reclaimed space: 0B\n');
  expect(rocker(['container', 'nosuch'], env).code).toBe(1);
  ok(['container', 'rm', '-f', 'keep']);
});

test('exec -d starts a process and returns; -d with -t is refused', async () => {
  ok(['run', '-d', '--name', 'host', 'busybox', 'sleep', '1000']);
  expect(rocker(['exec', '-d', 'host', 'sh', '-c', 'echo out; sleep 0.3; echo done > /marker'], env)).toEqual({ code: 0, stdout: '', stderr: '' });
  await eventually(() => rocker(['exec', 'host', 'cat', '/marker'], env).stdout === 'done\n', 'the detached exec to finish');
  expect(rocker(['exec', '-d', '-t', 'host', 'true'], env)).toEqual({ code: 125, stdout: '', stderr: 'rocker: exec -d cannot be combined with -t or -i\n' });
  expect(rocker(['exec', '-d', 'host', 'nosuchcmd'], env).code).toBe(127);
  expect(rocker(['exec', '-w', '/missing', 'host', 'pwd'], env)).toEqual({ code: 125, stdout: '', stderr: 'rocker: cannot exec in container host: working directory /missing does not exist\n' });
  expect(rocker(['exec', '-w', '/etc/passwd', 'host', 'pwd'], env)).toEqual({ code: 125, stdout: '', stderr: 'rocker: cannot exec in container host: working directory /etc/passwd is not a directory\n' });
  ok(['rm', '-f', 'host']);
});

test('help: the command list, a command\'s usage, an unknown command', () => {
  const all = rocker(['help'], env);
  expect(all.code).toBe(0);
  for (const c of ['create', 'start', 'restart', 'rename', 'container', 'help']) expect(all.stdout).toMatch(new RegExp(`^  ${c} +\\S`, 'm'));
  const start = rocker(['help', 'start'], env);
  expect(start.code).toBe(0);
  expect(start.stdout).toStartWith('Usage: rocker start [options] [container...]');
  expect(rocker(['help', 'container', 'prune'], env).stdout).toStartWith('Usage: rocker container prune');
  expect(rocker(['help', 'nosuch'], env)).toEqual({ code: 1, stdout: '', stderr: 'rocker: unknown command "nosuch" (see \'rocker --help\')\n' });
  expect(existsSync(join(root, 'containers'))).toBe(true);
});

test("attach follows a running container's output from now until it ends, and exits with its code", async () => {
  ok(['run', '-d', '--name', 'talker', 'busybox', 'sh', '-c', 'echo before; while [ ! -e /go ]; do sleep 0.05; done; echo after; echo err >&2; exit 4']);
  await eventually(() => rocker(['logs', 'talker'], env).stdout === 'before\n', 'the first line');
  const attached = Bun.spawn([ROCKER, 'attach', 'talker'], { env, stdout: 'pipe', stderr: 'pipe' });
  await eventually(() => existsSync(`/proc/${attached.pid}`), 'attach to start');
  Bun.sleepSync(300); // attach has reached the end of the log by now; what follows is new output
  ok(['exec', 'talker', 'touch', '/go']);
  expect(await attached.exited).toBe(4);
  // The container's stdout and stderr stay apart, as with Docker's attach.
  expect(await new Response(attached.stdout).text()).toBe('after\n');
  expect(await new Response(attached.stderr).text()).toBe('err\n');
  expect(rocker(['attach', 'talker'], env)).toEqual({ code: 1, stdout: '', stderr: 'rocker: container talker is not running: attach follows a running container (see rocker logs)\n' });
  ok(['rm', 'talker']);
});
