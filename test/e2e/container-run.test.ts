// rocker run in the foreground through the real bin/rocker and runc.
import { expect, test } from 'bun:test';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { containerSuite } from '../helpers/container-suite.ts';
import { unCRLF } from '../helpers/poll.ts';
import { rocker, ROCKER } from '../helpers/rocker.ts';

const { env, root, dir } = containerSuite();

const containers = () => (existsSync(join(root, 'containers')) ? readdirSync(join(root, 'containers')).filter((e) => /^[0-9a-f]{64}$/.test(e)) : []);

test("the seed's hello world: output and exit code 0", () => {
  const r = rocker(['run', '--image', 'busybox', '/bin/echo', 'Hello World'], env);
  expect(r).toEqual({ code: 0, stdout: 'Hello World\n', stderr: '' });
});

test("everything after the command is the container's, quoting preserved", () => {
  const r = rocker(['run', '--rm', '--image', 'busybox', 'sh', '-c', 'for a in "$@"; do echo "[$a]"; done', 'x', 'a  b', '-m', '--rm'], env);
  expect(r.stdout).toBe('[a  b]\n[-m]\n[--rm]\n');
  const ls = rocker(['run', '--rm', '--image', 'busybox', 'ls', '-l', '/bin/busybox'], env);
  expect(ls.code).toBe(0);
  expect(ls.stdout).toMatch(/^-rwx.* \/bin\/busybox\n$/);
  // Docker style: the image as first operand.
  expect(rocker(['run', '--rm', 'busybox', 'echo', 'positional'], env).stdout).toBe('positional\n');
});

test("exit codes: the container's, 127 not found, 126 not executable, 125 rocker's own", () => {
  expect(rocker(['run', '--rm', 'busybox', 'sh', '-c', 'exit 42'], env).code).toBe(42);
  const nf = rocker(['run', '--rm', 'busybox', 'nosuchcommand'], env);
  expect(nf.code).toBe(127);
  expect(nf.stderr).toMatch(/^rocker: .*nosuchcommand.*not found.*\n$/);
  const ne = rocker(['run', '--rm', 'busybox', '/etc/passwd'], env);
  expect(ne.code).toBe(126);
  expect(ne.stderr.split('\n').length).toBe(2);
});

test('stdout and stderr stay apart and nothing of the tail is lost', () => {
  const r = rocker(['run', '--rm', 'busybox', 'sh', '-c', 'seq 1 20000; echo oops >&2; printf end'], env);
  expect(r.code).toBe(0);
  const lines = r.stdout.split('\n');
  expect(lines.length).toBe(20001);
  expect(lines[19999]).toBe('20000');
  expect(lines[20000]).toBe('end');
  expect(r.stderr).toBe('oops\n');
});

test('stdin: piped with -i, closed without it', () => {
  const piped = rocker(['run', '--rm', '-i', 'busybox', 'sh', '-c', 'tr a-z A-Z'], env, { input: 'hello stdin\n' });
  expect(piped.stdout).toBe('HELLO STDIN\n');
  const closed = rocker(['run', '--rm', 'busybox', 'cat'], env, { input: 'ignored\n' });
  expect(closed).toMatchObject({ code: 0, stdout: '' });
});

/** `cmd` run by sh in a terminal of its own (script's pty), as a user at a terminal runs it. */
const inTerminal = (cmd: string) => spawnSync('script', ['-qec', cmd, '/dev/null'], { env, encoding: 'utf8', timeout: 60_000 });

test('-t gives a real terminal whose size follows the outer one, and prints exactly the output', () => {
  // script's standard input ends at once, so it sends the terminal an end-of-file: without -i
  // nothing typed (that included) may reach the container or be echoed back.
  const r = inTerminal(`stty rows 33 cols 101; ${ROCKER} run --rm -t busybox sh -c 'test -t 0 && test -t 1 && echo IS-A-TTY; stty size'`);
  expect(r.status).toBe(0);
  expect(unCRLF(r.stdout)).toBe('IS-A-TTY\n33 101\n');
  const echo = inTerminal(`${ROCKER} run --rm -t busybox echo hi`);
  expect(echo.status).toBe(0);
  expect(echo.stdout).toBe('hi\r\n');
  // Without -t the container sees no terminal even when rocker has one.
  const p = inTerminal(`${ROCKER} run --rm busybox sh -c 'test -t 1 || echo NO-TTY'`);
  expect(p.status).toBe(0);
  expect(unCRLF(p.stdout)).toBe('NO-TTY\n');
});

test('-it: a shell reads what is typed at the terminal; its exit code comes back', async () => {
  const { spawn } = await import('node:child_process');
  const child = spawn('script', ['-qec', `${ROCKER} run -it --rm busybox sh -c 'echo ready; read line; echo "got $line"; exit 3'`, '/dev/null'], { env });
  let out = '';
  // Type only once the container's terminal is up; typed earlier, the outer terminal would echo it too.
  child.stdout.on('data', (d) => {
    out += d;
    if (out === 'ready\r\n') child.stdin.write('typed-42\n');
  });
  const code = await new Promise((r) => child.on('close', r));
  // The container's terminal echoes the typed line, then the shell answers.
  expect(unCRLF(out)).toBe('ready\ntyped-42\ngot typed-42\n');
  expect(code).toBe(3);
});

test('-t without -i: nothing typed reaches the container, but Ctrl-C does', async () => {
  const { spawn } = await import('node:child_process');
  const child = spawn('script', ['-qec', `${ROCKER} run --rm -t busybox sh -c 'trap "echo got-int; exit 5" INT; echo ready; while :; do sleep 0.1; done'`, '/dev/null'], { env });
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
    if (out === 'ready\r\n') child.stdin.write('not-for-the-container\n\x03');
  });
  const code = await new Promise((r) => child.on('close', r));
  // The terminal shows ^C for the key and nothing of the typed text.
  expect(unCRLF(out)).toBe('ready\n^Cgot-int\n');
  expect(code).toBe(5);
});

/** `args` run by rocker in a new session: no controlling terminal, no terminal on any stdio (CI, cron, scripts). */
const noTerminal = (args: string[]) => spawnSync('setsid', ['-w', ROCKER, ...args], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });

test('-t without any terminal (setsid, stdio redirected): the container still gets a terminal and its output comes through', () => {
  const r = noTerminal(['run', '--rm', '-t', 'busybox', 'sh', '-c', 'test -t 0 && test -t 1 && echo IS-A-TTY; echo oops >&2; exit 4']);
  // A terminal joins stderr into stdout and turns \n into \r\n, as Docker's -t does.
  expect({ code: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ code: 4, stdout: 'IS-A-TTY\r\noops\r\n', stderr: '' });
  const ex = noTerminal(['run', '-d', '--name', 'notty-exec', 'busybox', 'sleep', '60']);
  expect(ex.status).toBe(0);
  expect(noTerminal(['exec', '-t', 'notty-exec', 'sh', '-c', 'test -t 1 && echo EXEC-TTY'])).toMatchObject({ status: 0, stdout: 'EXEC-TTY\r\n', stderr: '' });
  expect(noTerminal(['exec', '-it', 'notty-exec', 'true'])).toMatchObject({ status: 1, stdout: '', stderr: 'rocker: the input device is not a TTY\n' });
  expect(rocker(['rm', '-f', 'notty-exec'], env).code).toBe(0);
});

test('-it with a standard input that is no terminal: Docker\'s one line, exit 1, nothing left behind', () => {
  const before = containers().length;
  const r = noTerminal(['run', '--rm', '-it', 'busybox', 'echo', 'hi']);
  expect({ code: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ code: 1, stdout: '', stderr: 'rocker: the input device is not a TTY\n' });
  expect(containers().length).toBe(before);
});

// On a cgroup v2 host the runtime writes the v2 files (shares become a weight).
const cgroupV2 = existsSync('/sys/fs/cgroup/cgroup.controllers');
const cg = cgroupV2
  ? { memory: 'memory.max', shares: 'cpu.weight', quota: 'cpu.max', pids: 'pids.max', cpuset: 'cpuset.cpus.effective', self: /^0::(.*)$/m }
  : { memory: 'memory/memory.limit_in_bytes', shares: 'cpu/cpu.shares', quota: 'cpu/cpu.cfs_quota_us', pids: 'pids/pids.max', cpuset: 'cpuset/cpuset.cpus', self: /^\d+:memory:(.*)$/m };
/** Docker's (and runc's) conversion of cpu shares to a v2 weight. */
const weight = (shares: number) => String(1 + Math.floor(((shares - 2) * 9999) / 262142));

test('-m and --cpushare (and --cpus, --pids-limit, --cpuset-cpus) reach the container cgroup', () => {
  const files = [cg.memory, cg.shares, cg.quota, cg.pids, cg.cpuset].map((f) => `/sys/fs/cgroup/${f}`).join(' ');
  const r = rocker(['run', '--rm', '--image', 'busybox', '-m', '256m', '--cpushare', '512', '--cpus', '1.5', '--pids-limit', '50', '--cpuset-cpus', '0', 'sh', '-c', `cat ${files}; cat /proc/self/cgroup`], env);
  expect(r.stderr).toBe('');
  const [mem, shares, quota, pids, cpuset] = r.stdout.trim().split('\n');
  expect(mem).toBe(String(256 * 1024 * 1024));
  expect(shares).toBe(cgroupV2 ? weight(512) : '512');
  expect(quota).toBe(cgroupV2 ? '150000 100000' : '150000');
  expect(pids).toBe('50');
  expect(cpuset).toBe('0');
  // The container's own cgroup, named after it (flat: nothing left behind when it goes).
  if (!cgroupV2) expect(cg.self.exec(r.stdout)?.[1]).toMatch(/rocker-[0-9a-f]{64}$/);
  // Docker's spelling is an alias (options go before the image).
  const late = rocker(['run', '--rm', 'busybox', '--cpu-shares', '300', 'cat', `/sys/fs/cgroup/${cg.shares}`], env);
  expect(late).toEqual({ code: 127, stdout: '', stderr: 'rocker: cannot run "--cpu-shares": executable file not found in the container\'s $PATH\n' });
  expect(rocker(['run', '--rm', '--cpu-shares', '300', 'busybox', 'cat', `/sys/fs/cgroup/${cg.shares}`], env).stdout).toBe(cgroupV2 ? `${weight(300)}\n` : '300\n');
});

test('copy-on-write: writes stay in their container, the image is unchanged', () => {
  const a = rocker(['run', '--name', 'cow-a', 'busybox', 'sh', '-c', 'echo A > /bin/marker; rm /bin/cat; echo changed > /etc/passwd'], env);
  expect(a.code).toBe(0);
  const b = rocker(['run', '--rm', 'busybox', 'sh', '-c', 'ls /bin/marker 2>&1; ls /bin/cat; head -1 /etc/passwd'], env);
  expect(b).toEqual({ code: 0, stdout: 'ls: /bin/marker: No such file or directory\n/bin/cat\nroot:x:0:0:root:/root:/bin/sh\n', stderr: '' });
  const layerDirs = readdirSync(join(root, 'layers', 'sha256'));
  for (const l of layerDirs) {
    expect(existsSync(join(root, 'layers', 'sha256', l, 'diff', 'bin', 'marker'))).toBe(false);
    expect(existsSync(join(root, 'layers', 'sha256', l, 'diff', 'bin', 'cat'))).toBe(true);
  }
  // The change lives in the container's own upper directory until rm.
  const id = JSON.parse(rocker(['ps', '-a', '--format', 'json'], env).stdout).find((c: { name: string }) => c.name === 'cow-a').id;
  expect(readFileSync(join(root, 'containers', id, 'upper', 'bin', 'marker'), 'utf8')).toBe('A\n');
  expect(rocker(['rm', 'cow-a'], env).code).toBe(0);
  expect(existsSync(join(root, 'containers', id))).toBe(false);
});

test('image config and flags: env, env-file, workdir, user, hostname', () => {
  const envFile = join(dir, 'envfile');
  writeFileSync(envFile, '# comment\nFROMFILE=yes\nOVER=file\n');
  const r = rocker(['run', '--rm', '-e', 'A=1', '--env-file', envFile, '-e', 'OVER=flag', '-w', '/tmp/new/dir', '-u', 'nobody', '--hostname', 'box1',
    'busybox', 'sh', '-c', 'echo $A $FROMFILE $OVER; pwd; id -u; hostname; echo $PATH'], env);
  expect(r.stderr).toBe('');
  expect(r.stdout.split('\n').slice(0, 5)).toEqual(['1 yes flag', '/tmp/new/dir', '65534', 'box1', '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin']);
  expect(rocker(['run', '--rm', '-u', '1234:4321', 'busybox', 'id'], env).stdout).toBe('uid=1234 gid=4321\n');
  expect(rocker(['run', '--rm', '-u', 'nosuchuser', 'busybox', 'id'], env)).toMatchObject({ code: 125 });
});

test('-e KEY takes the host value from the environment only, never from a .env file where rocker runs', () => {
  // Bun's executables load ./.env into their own environment unless built not to.
  const cwd = join(dir, 'dotenv-project');
  mkdirSync(cwd, { recursive: true });
  writeFileSync(join(cwd, '.env'), 'FROMDOTENV=leaked\n');
  const r = rocker(['run', '--rm', '--network', 'none', '-e', 'FROMDOTENV', 'busybox', 'sh', '-c', 'echo "[${FROMDOTENV-unset}]"'], env, { cwd });
  expect(r).toEqual({ code: 0, stdout: '[unset]\n', stderr: '' });
});

test("the image's config is honoured: Entrypoint, Cmd, Env, WorkingDir, User", () => {
  // An image record with a config, as a pull or load would write it (same layers as busybox).
  const src = JSON.parse(readFileSync(join(root, 'images', 'busybox', 'latest', 'image.json'), 'utf8'));
  const dest = join(root, 'images', 'configured', 'latest');
  mkdirSync(dest, { recursive: true });
  const config = { Entrypoint: ['/bin/sh', '-c'], Cmd: ['echo "$GREETING from $(pwd) as $(id -u)"'], Env: ['GREETING=hello', 'PATH=/bin'], WorkingDir: '/srv/app', User: 'nobody' };
  writeFileSync(join(dest, 'image.json'), JSON.stringify({ ...src, name: 'configured', config }));
  expect(rocker(['run', '--rm', 'configured'], env)).toEqual({ code: 0, stdout: 'hello from /srv/app as 65534\n', stderr: '' });
  // A command replaces Cmd but keeps the Entrypoint; flags override Env, WorkingDir and User.
  const r = rocker(['run', '--rm', '-e', 'GREETING=hi', '-w', '/tmp', '-u', '0', 'configured', 'echo "$GREETING $(pwd) $(id -u)"'], env);
  expect(r.stdout).toBe('hi /tmp 0\n');
});

test('bind mounts, tmpfs, --read-only, network none', () => {
  const host = join(dir, 'shared');
  mkdirSync(host, { recursive: true });
  writeFileSync(join(host, 'in.txt'), 'from host\n');
  const rw = rocker(['run', '--rm', '-v', `${host}:/data`, 'busybox', 'sh', '-c', 'cat /data/in.txt; echo back > /data/out.txt'], env);
  expect(rw.stdout).toBe('from host\n');
  expect(readFileSync(join(host, 'out.txt'), 'utf8')).toBe('back\n');
  const ro = rocker(['run', '--rm', '-v', `${host}:/data:ro`, 'busybox', 'sh', '-c', 'echo x > /data/no.txt'], env);
  expect(ro.code).not.toBe(0);
  expect(existsSync(join(host, 'no.txt'))).toBe(false);
  const roRoot = rocker(['run', '--rm', '--read-only', '--tmpfs', '/scratch:size=1m', 'busybox', 'sh', '-c', 'touch /x 2>/dev/null && echo WROTE; touch /scratch/y && echo TMPFS'], env);
  expect(roRoot.stdout).toBe('TMPFS\n');
  const net = rocker(['run', '--rm', '--network', 'none', 'busybox', 'sh', '-c', 'ls /sys/class/net; ip addr show lo | grep -c "inet 127.0.0.1"'], env);
  expect(net.stdout).toBe('lo\n1\n');
});

test('--cap-drop and no-new-privileges reach the process', () => {
  const caps = (args: string[]) => rocker(['run', '--rm', ...args, 'busybox', 'sh', '-c', 'grep -E "^(CapEff|NoNewPrivs)" /proc/self/status'], env).stdout;
  const dflt = caps([]);
  expect(dflt).toContain('CapEff:\t00000000a80425fb');
  expect(caps(['--cap-drop', 'ALL'])).toContain('CapEff:\t0000000000000000');
  expect(caps(['--security-opt', 'no-new-privileges'])).toContain('NoNewPrivs:\t1');
});

test('Ctrl-C / SIGTERM to rocker reaches the container', async () => {
  const { spawn } = await import('node:child_process');
  const child = spawn(ROCKER, ['run', '--rm', 'busybox', 'sh', '-c', 'trap "echo got-term; exit 7" TERM; echo ready; sleep 100 & wait'], { env });
  let out = '';
  await new Promise<void>((resolve) => child.stdout.on('data', (d) => { out += d; if (out.includes('ready')) resolve(); }));
  child.kill('SIGTERM');
  const code = await new Promise((r) => child.on('close', r));
  expect(out).toContain('got-term');
  expect(code).toBe(7);
});

test('bad input: one-line error, exit 125, nothing left behind', () => {
  const before = containers();
  const host = join(dir, 'nonexistent-dir');
  const cases: Array<[string[], RegExp]> = [
    [['run', '--image', 'nosuchimage', 'true'], /no such image: nosuchimage/],
    [['run', '-m', '12q', 'busybox', 'true'], /invalid memory limit "12q"/],
    [['run', '-v', `${host}:/x`, 'busybox', 'true'], /nonexistent-dir.*no such file or directory/],
    [['run', '--cpushare', 'lots', 'busybox', 'true'], /invalid --cpushare "lots"/],
    [['run', '--network', 'container:x', 'busybox', 'true'], /not supported/],
    [['run', '--network', 'nosuchnet', 'busybox', 'true'], /network nosuchnet not found/],
    [['run', '--name', 'bad/name', 'busybox', 'true'], /invalid container name/],
    [['run', '--image', 'busybox'], /no command given/],
  ];
  for (const [args, message] of cases) {
    const r = rocker(args, env);
    expect(r.code).toBe(125);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trimEnd().split('\n').length).toBe(1);
    expect(r.stdout).toBe('');
  }
  expect(rocker(['run', '--name', 'taken', 'busybox', 'true'], env).code).toBe(0);
  const dup = rocker(['run', '--name', 'taken', 'busybox', 'true'], env);
  expect(dup.code).toBe(125);
  expect(dup.stderr).toMatch(/name "taken" is already in use/);
  expect(containers().length).toBe(before.length + 1);
  expect(rocker(['rm', 'taken'], env).code).toBe(0);
  expect(containers()).toEqual(before);
  // No layer pins of finished processes either.
  expect(readdirSync(join(root, 'tmp')).filter((f) => f.startsWith('pin-'))).toEqual([]);
  const missing = rocker(['--runtime', '/nonexistent/runc', 'run', 'busybox', 'true'], env);
  expect(missing.code).toBe(125);
  expect(missing.stderr).toMatch(/OCI runtime "\/nonexistent\/runc" not found: install it with 'apt-get install runc'/);
});
