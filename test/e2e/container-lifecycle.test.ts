// Background containers: run -d, ps, logs, stop, kill, wait, exec, rm, and
// faults (processes killed from outside, rocker killed mid-start).
import { expect, test } from 'bun:test';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { containerSuite } from '../helpers/container-suite.ts';
import { eventually, unCRLF } from '../helpers/poll.ts';
import { psAll as psAllIn, rocker, ROCKER } from '../helpers/rocker.ts';

const { env, root, leaks } = containerSuite();

const psAll = () => psAllIn(env);
const entry = (name: string) => psAll().find((c) => c.name === name);
/** The id behind a name, from its reservation link (there before the record is complete). */
const idOf = (name: string): string | undefined => {
  try {
    return readlinkSync(join(root, 'containers', '.names', name));
  } catch {
    return undefined;
  }
};
/** `run -d` that must succeed: the container's id. */
const runDetached = (args: string[]): string => {
  const r = rocker(['run', '-d', ...args], env);
  expect(r).toMatchObject({ code: 0, stderr: '' });
  return r.stdout.trim();
};

test('detach, ps, logs, stop a sleep that is PID 1 (ignores SIGTERM), rm', () => {
  const d = rocker(['run', '-d', '--name', 'sleeper', '--image', 'busybox', '/bin/sleep', '1000'], env);
  expect(d.stderr).toBe('');
  expect(d.stdout).toMatch(/^[0-9a-f]{64}\n$/);
  const id = d.stdout.trim();
  const ps = rocker(['ps'], env);
  const [header, row] = ps.stdout.split('\n');
  expect(header).toMatch(/^ID +NAME +IMAGE +PID +STATUS +COMMAND +CREATED +PORTS$/);
  expect(row).toMatch(new RegExp(`^${id.slice(0, 12)}  sleeper +busybox:latest +\\d+ +running +/bin/sleep 1000 +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d$`));
  expect(rocker(['ps', '-q'], env).stdout).toBe(`${id.slice(0, 12)}\n`);
  expect(rocker(['ps', '-q', '--no-trunc'], env).stdout).toBe(`${id}\n`);
  const pid = entry('sleeper')!.pid!;
  expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8')).toBe('/bin/sleep\u00001000\u0000');
  const stop = rocker(['stop', '-t', '1', 'sleeper'], env);
  expect(stop).toEqual({ code: 0, stdout: 'sleeper\n', stderr: '' });
  // stop returns only once the process is gone.
  expect(existsSync(`/proc/${pid}`)).toBe(false);
  expect(entry('sleeper')).toMatchObject({ status: 'exited', exit_code: 137, pid: null });
  expect(rocker(['ps'], env).stdout).not.toContain('sleeper');
  expect(rocker(['ps', '-a'], env).stdout).toMatch(/sleeper .* exited \(137\)/);
  expect(rocker(['rm', id.slice(0, 8)], env).code).toBe(0);
  expect(entry('sleeper')).toBeUndefined();
});

test('stop sends SIGTERM first: a container that handles it exits by itself', async () => {
  // The trap must be set before stop: wait for the line printed after it.
  runDetached(['--name', 'polite', 'busybox', 'sh', '-c', 'trap "echo bye; exit 0" TERM; echo ready; while :; do sleep 0.1; done']);
  await eventually(() => rocker(['logs', 'polite'], env).stdout === 'ready\n', 'the trap to be set');
  expect(rocker(['stop', 'polite'], env)).toEqual({ code: 0, stdout: 'polite\n', stderr: '' });
  expect(entry('polite')).toMatchObject({ status: 'exited', exit_code: 0 });
  expect(rocker(['logs', 'polite'], env).stdout).toBe('ready\nbye\n');
  expect(rocker(['rm', 'polite'], env).code).toBe(0);
});

test('logs: stdout and stderr of a detached container, apart and complete, --tail, -f until the end', () => {
  const id = runDetached(['busybox', 'sh', '-c', 'echo one; echo two >&2; sleep 0.5; seq 1 5000; echo last']);
  const follow = rocker(['logs', '-f', id.slice(0, 12)], env);
  expect(follow.code).toBe(0);
  expect(follow.stderr).toBe('two\n');
  const lines = follow.stdout.split('\n');
  expect(lines.slice(0, 2)).toEqual(['one', '1']);
  expect(lines.at(-2)).toBe('last');
  expect(lines.length).toBe(5003);
  expect(rocker(['logs', '--tail', '2', id], env)).toEqual({ code: 0, stdout: '5000\nlast\n', stderr: '' });
  expect(rocker(['logs', '--tail', '0', id], env)).toEqual({ code: 0, stdout: '', stderr: '' });
  // Foreground runs without a tty are logged too, the streams apart.
  expect(rocker(['run', '--name', 'fg', 'busybox', 'sh', '-c', 'echo fg-out; echo fg-err >&2; printf fg-end'], env)).toEqual({ code: 0, stdout: 'fg-out\nfg-end', stderr: 'fg-err\n' });
  expect(rocker(['logs', 'fg'], env)).toEqual({ code: 0, stdout: 'fg-out\nfg-end', stderr: 'fg-err\n' });
  expect(rocker(['rm', id, 'fg'], env).code).toBe(0);
});

test('logs: both streams writing at once lose nothing (each record is one write to the shared log)', () => {
  const id = runDetached(['busybox', 'sh', '-c', 'seq 1 3000 & seq 1 3000 >&2; wait']);
  expect(rocker(['wait', id], env)).toEqual({ code: 0, stdout: '0\n', stderr: '' });
  const numbers = Array.from({ length: 3000 }, (_, i) => `${i + 1}\n`).join('');
  expect(rocker(['logs', id], env)).toEqual({ code: 0, stdout: numbers, stderr: numbers });
  expect(rocker(['rm', id], env).code).toBe(0);
});

test('logs -t, --since and --until: each line has the time it was written; the filters use it', async () => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const gate = mkdtempSync('/tmp/rocker-logs-gate-');
  const id = runDetached(['-v', `${gate}:/gate`, 'busybox', 'sh', '-c', 'echo early; echo early-err >&2; while [ ! -e /gate/go ]; do sleep 0.05; done; echo late']);
  const stamped = () => rocker(['logs', '-t', id], env);
  await eventually(() => stamped().stderr !== '', 'the first lines');
  const STAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z) (.*)$/;
  const early = STAMP.exec(stamped().stdout.trimEnd());
  expect(early?.[2]).toBe('early');
  expect(stamped().stderr).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z early-err\n$/);
  // The second line must be written in a later second than the first (background logs keep whole seconds).
  const earlyMs = Date.parse(early![1]!);
  await eventually(() => Date.now() >= earlyMs + 1000, 'the next second');
  writeFileSync(`${gate}/go`, '');
  expect(rocker(['wait', id], env).stdout).toBe('0\n');
  const lines = stamped().stdout.split('\n');
  expect(lines.length).toBe(3);
  const late = STAMP.exec(lines[1]!)!;
  expect(late[2]).toBe('late');
  expect(rocker(['logs', '--since', late[1]!, id], env)).toEqual({ code: 0, stdout: 'late\n', stderr: '' });
  expect(rocker(['logs', '--until', late[1]!, id], env)).toEqual({ code: 0, stdout: 'early\n', stderr: 'early-err\n' });
  const unix = String(Math.floor(Date.parse(late[1]!) / 1000));
  expect(rocker(['logs', '--since', unix, id], env).stdout).toBe('late\n');
  expect(rocker(['logs', '--since', '1h', id], env).stdout).toBe('early\nlate\n');
  expect(rocker(['logs', '--until', '1h', id], env)).toEqual({ code: 0, stdout: '', stderr: '' });
  expect(rocker(['logs', '-t', '--tail', '1', id], env).stdout).toBe(`${lines[1]}\n`);
  const bad = rocker(['logs', '--since', 'yesterday', id], env);
  expect(bad.code).toBe(1);
  expect(bad.stderr).toMatch(/^rocker: invalid --since "yesterday": .*\n$/);
  expect(rocker(['rm', id], env).code).toBe(0);
  rmSync(gate, { recursive: true, force: true });
});

test('a container killed from outside shows as exited with its code, never as running', async () => {
  runDetached(['--name', 'victim', 'busybox', 'sleep', '1000']);
  const pid = entry('victim')!.pid!;
  process.kill(pid, 'SIGKILL');
  expect(rocker(['wait', 'victim'], env)).toEqual({ code: 0, stdout: '137\n', stderr: '' });
  expect(entry('victim')).toMatchObject({ status: 'exited', exit_code: 137 });
  expect(rocker(['rm', 'victim'], env).code).toBe(0);
});

test('50 rounds of kill -9 from the host: wait prints 137 every time, never unknown', () => {
  // The monitor records the exit and ends while ps/wait look: every interleaving must still give the code.
  const codes: string[] = [];
  for (let round = 0; round < 50; round++) {
    const id = runDetached(['busybox', 'sleep', '1000']);
    process.kill(psAll().find((c) => c.id === id)!.pid!, 'SIGKILL');
    const w = rocker(['wait', id], env);
    expect(w.code).toBe(0);
    codes.push(w.stdout);
    expect(rocker(['rm', id], env).code).toBe(0);
  }
  expect(codes).toEqual(Array(50).fill('137\n'));
});

test('when the monitor dies too, ps still tells the truth and rm cleans up', async () => {
  const id = runDetached(['--name', 'orphan', 'busybox', 'sleep', '1000']);
  const monitor = Number(readFileSync(join(root, 'containers', id, 'monitor'), 'utf8').split(' ')[0]);
  process.kill(monitor, 'SIGKILL');
  await eventually(() => !existsSync(`/proc/${monitor}`), 'the monitor to be gone');
  expect(entry('orphan')).toMatchObject({ status: 'running' });
  process.kill(entry('orphan')!.pid!, 'SIGKILL');
  await eventually(() => entry('orphan')?.status === 'exited', 'the container to end');
  expect(entry('orphan')).toMatchObject({ status: 'exited', exit_code: null });
  expect(rocker(['ps', '-a'], env).stdout).toMatch(/orphan .* exited \(unknown\)/);
  expect(rocker(['rm', 'orphan'], env).code).toBe(0);
  expect(existsSync(join(root, 'containers', id))).toBe(false);
});

test('exec runs in the container: its namespaces, cgroup, files; exit codes', async () => {
  const id = runDetached(['--name', 'host1', '--hostname', 'inside', '-m', '64m', 'busybox', 'sh', '-c', 'echo hi > /tmp/mark; sleep 1000']);
  await eventually(() => rocker(['exec', 'host1', 'test', '-e', '/tmp/mark'], env).code === 0, 'the mark file');
  const r = rocker(['exec', 'host1', 'sh', '-c', 'hostname; cat /tmp/mark; cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max; ps -o pid,args | awk \'$2=="sleep"{n++} $1==1{init=$2} END{print n, init}\''], env);
  expect(r.stderr).toBe('');
  expect(r.stdout).toBe(`inside\nhi\n${64 * 1024 * 1024}\n1 sleep\n`);
  expect(rocker(['exec', 'host1', 'sh', '-c', 'exit 5'], env).code).toBe(5);
  expect(rocker(['exec', 'host1', 'nosuch'], env).code).toBe(127);
  expect(rocker(['exec', '-i', 'host1', 'wc', '-c'], env, { input: 'abcd' })).toEqual({ code: 0, stdout: '4\n', stderr: '' });
  // Exactly the process's output, with no stray bytes around it. runc exec clears the new
  // terminal's \n -> \r\n mapping only after the process starts, and then copies through the
  // outer one, which maps again: a line written at once may come out as "\r\r\n" (runc's race).
  const tty = spawnSync('script', ['-qec', `${ROCKER} exec -t host1 sh -c 'test -t 0 && test -t 1 && echo EXEC-TTY'`, '/dev/null'], { env, encoding: 'utf8', timeout: 60_000 });
  expect(tty.status).toBe(0);
  expect(unCRLF(tty.stdout.replace(/\r\r\n/g, '\r\n'))).toBe('EXEC-TTY\n');
  expect(rocker(['exec', '-e', 'X=y', '-u', '65534', '-w', '/tmp', 'host1', 'sh', '-c', 'echo $X $(id -u) $(pwd)'], env).stdout).toBe('y 65534 /tmp\n');
  expect(rocker(['exec', 'nosuchcontainer', 'true'], env)).toMatchObject({ code: 125, stderr: 'rocker: no such container: nosuchcontainer\n' });
  // rm refuses a running container; -f kills it.
  const refused = rocker(['rm', 'host1'], env);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toMatch(/host1 is running/);
  expect(rocker(['rm', '-f', id.slice(0, 5)], env).code).toBe(0);
  expect(rocker(['exec', 'host1', 'true'], env).code).toBe(125);
});

test('kill sends a signal; stop and rm of unknown containers fail with one line', async () => {
  runDetached(['--name', 'k', 'busybox', 'sh', '-c', 'trap "exit 3" USR1; echo ready; while :; do sleep 0.1; done']);
  await eventually(() => rocker(['logs', 'k'], env).stdout === 'ready\n', 'the trap to be set');
  expect(rocker(['kill', '-s', 'USR1', 'k'], env)).toEqual({ code: 0, stdout: 'k\n', stderr: '' });
  expect(rocker(['wait', 'k'], env)).toEqual({ code: 0, stdout: '3\n', stderr: '' });
  expect(rocker(['rm', 'k'], env).code).toBe(0);
  for (const c of ['stop', 'rm', 'logs', 'kill']) {
    const r = rocker([c, 'ghost'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('rocker: no such container: ghost\n');
  }
});

test('rm -f of running containers, and rm right after stop, leave no directory behind (the monitor may still be finishing)', () => {
  const dirs = () => readdirSync(join(root, 'containers')).filter((d) => !d.startsWith('.'));
  const before = dirs().length;
  const names = Array.from({ length: 12 }, (_, i) => `gone-${i}`);
  for (const n of names) runDetached(['--network', 'none', '--name', n, 'busybox', 'sleep', '1000']);
  expect(rocker(['rm', '-f', ...names.slice(0, 8)], env)).toEqual({ code: 0, stdout: names.slice(0, 8).map((n) => `${n}\n`).join(''), stderr: '' });
  for (const n of names.slice(8)) {
    expect(rocker(['stop', '-t', '0', n], env).code).toBe(0);
    expect(rocker(['rm', n], env)).toEqual({ code: 0, stdout: `${n}\n`, stderr: '' });
  }
  expect(dirs().length).toBe(before);
});

test('--rm removes a detached container when it ends', async () => {
  const id = runDetached(['--rm', 'busybox', 'sh', '-c', 'sleep 0.2']);
  expect(id).toMatch(/^[0-9a-f]{64}$/);
  await eventually(() => !existsSync(join(root, 'containers', id)), 'the container to be removed');
});

test('two runs racing for one --name: exactly one wins', async () => {
  const runs = [0, 1, 2, 3].map(
    () => new Promise<number>((resolve) => spawn(ROCKER, ['run', '-d', '--name', 'race', 'busybox', 'sleep', '1000'], { env, stdio: 'ignore' }).on('close', (c) => resolve(c ?? -1))),
  );
  const codes = await Promise.all(runs);
  expect(codes.filter((c) => c === 0).length).toBe(1);
  expect(codes.filter((c) => c === 125).length).toBe(3);
  expect(psAll().filter((c) => c.name === 'race').length).toBe(1);
  expect(rocker(['rm', '-f', 'race'], env).code).toBe(0);
});

test('rocker killed while starting a container: ps shows the truth, rm -f cleans everything', async () => {
  // Each kill lands at a stage of the start, recognised by what the store shows, not by a delay.
  const at = (id: () => string | undefined, file: string) => () => {
    const i = id();
    return !!i && existsSync(join(root, 'containers', i, file));
  };
  const stages: Array<[string, (name: string) => () => boolean]> = [
    ['record', (n) => at(() => idOf(n), 'container.json')],
    ['bundle', (n) => at(() => idOf(n), 'config.json')],
    ['monitor', (n) => at(() => idOf(n), 'monitor')],
    ['pid', (n) => at(() => idOf(n), 'pid')],
    ['running', (n) => () => entry(n)?.status === 'running'],
  ];
  for (const [stage, reached] of stages) {
    const name = `killed-${stage}`;
    const child = spawn(ROCKER, ['run', '--name', name, 'busybox', 'sleep', '1000'], { env, stdio: 'ignore' });
    const closed = new Promise((r) => child.on('close', r));
    await eventually(reached(name), `the ${stage} stage`);
    child.kill('SIGKILL');
    await closed;
  }
  for (const c of psAll()) {
    // Whatever state each reached, ps agrees with the kernel.
    if (c.status === 'running') expect(readFileSync(`/proc/${c.pid}/cmdline`, 'utf8')).toContain('sleep');
    else expect(c.pid).toBeNull();
  }
  const names = readdirSync(join(root, 'containers')).filter((e) => /^[0-9a-f]{64}$/.test(e));
  if (names.length) expect(rocker(['rm', '-f', ...names], env).code).toBe(0);
  expect(psAll()).toEqual([]);
  // The default network's bridge and shared chains stay until it is removed; everything of each container must be gone.
  expect(rocker(['network', 'prune'], env).code).toBe(0);
  expect(await leaks()).toEqual({ mounts: [], cgroups: [], processes: [], network: [] });
});

test('rm -f of a container that is still starting kills it once it runs; the foreground rocker ends', async () => {
  const child = spawn(ROCKER, ['run', '--name', 'starting', 'busybox', 'sleep', '1000'], { env, stdio: 'ignore' });
  const exited = new Promise<number | null>((r) => child.on('close', (c) => r(c)));
  // The name appears once the record is being made; before that rm says "no such container".
  await eventually(() => rocker(['rm', '-f', 'starting'], env).code === 0, 'rm -f to find the container');
  expect(await exited).not.toBe(0);
  expect(entry('starting')).toBeUndefined();
});

test('inspect shows a container with its live state', () => {
  const run = rocker(['run', '-d', '--name', 'insp', 'busybox', 'sleep', '1000'], env);
  expect(run).toMatchObject({ code: 0, stderr: '' });
  const id = run.stdout.trim();
  const r = rocker(['inspect', 'insp'], env);
  expect(r).toMatchObject({ code: 0, stderr: '' });
  // Docker's inspect shape (deliberately changed from rocker's record: Id, Config.Image, State.Status).
  const [rec] = JSON.parse(r.stdout);
  expect(rec.Id).toBe(id);
  expect(rec.Name).toBe('/insp');
  expect(rec.Config.Image).toBe('busybox:latest');
  expect(rec.State).toMatchObject({ Status: 'running', Running: true, ExitCode: 0, FinishedAt: '0001-01-01T00:00:00Z' });
  expect(rec.State.Pid).toBeGreaterThan(0);
  expect(rocker(['rm', '-f', 'insp'], env).code).toBe(0);
  expect(rocker(['inspect', 'insp'], env)).toMatchObject({ code: 1, stderr: 'rocker: no such image or container: insp\n' });
});

test('run -d on a host without awk (the log copiers): one line naming it, exit 125, no container and no monitor waiting forever', () => {
  // A PATH with every program of the host's but awk.
  const bin = join(root, '..', 'no-awk-bin');
  spawnSync('sh', ['-c', `mkdir -p ${bin} && for d in /usr/local/sbin /usr/local/bin /usr/sbin /usr/bin /sbin /bin; do for f in "$d"/*; do n=\${f##*/}; case $n in awk|mawk|gawk|nawk|busybox) continue;; esac; [ -e "${bin}/$n" ] || ln -s "$f" "${bin}/$n"; done; done`]);
  const r = rocker(['run', '-d', '--name', 'noawk', 'busybox', 'true'], { ...env, PATH: bin }, { timeout: 30_000 });
  expect(r).toEqual({ code: 125, stdout: '', stderr: 'rocker: a background container needs awk on the host for its logs: install mawk or gawk\n' });
  expect(entry('noawk')).toBeUndefined();
  rmSync(bin, { recursive: true, force: true });
});
