// Rootless rocker: an ordinary user, made by this file (useradd, with
// subordinate ids), runs the real rocker on their own store inside their
// own user namespace. What their containers do lands on the host as the
// user's ids only; root's files and store stay out of reach.
import { afterAll, beforeAll, expect } from 'bun:test';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../helpers/network.ts';
import { eventually } from '../helpers/poll.ts';
import { makeImage, startRegistry, uploadImage } from '../helpers/registry.ts';
import { testUnless } from '../helpers/require.ts';
import { busyboxTar, REPO, type Result } from '../helpers/rocker.ts';
import { tarBytes } from '../helpers/tar.ts';

const onPath = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const missing = process.getuid?.() !== 0
  ? 'needs root, to create a test user'
  : !onPath('useradd') || !onPath('setpriv') || !onPath('script')
    ? 'useradd, setpriv or script missing (passwd, util-linux, bsdutils)'
    : !existsSync('/usr/bin/newuidmap') || !existsSync('/usr/bin/newgidmap')
      ? 'newuidmap/newgidmap missing (apt-get install uidmap)'
      : undefined;
const test = testUnless(missing);
/** What pasta needs: the program, and /dev/net/tun open to users (Debian's mode, 0666). */
const pastaMissing = !onPath('pasta')
  ? 'pasta missing (apt-get install passt)'
  : !existsSync('/dev/net/tun') || (statSync('/dev/net/tun').mode & 0o006) !== 0o006
    ? '/dev/net/tun is not open to users (chmod 0666 /dev/net/tun)'
    : undefined;

const name = `rkrl${process.pid % 100000}`;
const SUB = { start: 300000 + (process.pid % 1000) * 65536, count: 65536 };
const state = { base: '', home: '', runDir: '', rocker: '', tar: '', uid: -1, gid: -1 };

function sh(cmd: string[], check = true): string {
  const r = spawnSync(cmd[0]!, cmd.slice(1), { encoding: 'utf8' });
  if (check && r.status !== 0) throw new Error(`${cmd.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** The subordinate range the user was given: useradd may have given one already. */
function subRange(file: string): { start: number; count: number } | undefined {
  const line = readFileSync(file, 'utf8').split('\n').find((l) => l.startsWith(`${name}:`));
  return line ? { start: Number(line.split(':')[1]), count: Number(line.split(':')[2]) } : undefined;
}

function asUser(argv: string[], timeout = 120_000): Result {
  const env = { PATH: '/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin', HOME: state.home, USER: name, LOGNAME: name, XDG_RUNTIME_DIR: state.runDir };
  const r = spawnSync('setpriv', ['--reuid', String(state.uid), '--regid', String(state.gid), '--init-groups', '--', ...argv], { env, cwd: state.home, encoding: 'utf8', timeout });
  if (r.error) throw r.error;
  return { code: r.status ?? 137, stdout: String(r.stdout), stderr: String(r.stderr) };
}
const rocker = (args: string[]) => asUser([state.rocker, ...args]);
const store = () => join(state.home, '.local', 'share', 'rocker');
const pausePid = () => {
  try {
    return Number(readFileSync(join(state.runDir, 'rocker', 'pause.pid'), 'utf8').split(' ')[0]);
  } catch {
    return undefined;
  }
};
/** The processes of the test user other than the pause process: what containers and monitors left running. */
const userProcesses = () => readdirSync('/proc').filter((p) => /^\d+$/.test(p) && Number(p) !== pausePid()).filter((p) => {
  try {
    return statSync(`/proc/${p}`).uid === state.uid;
  } catch {
    return false;
  }
}).map((p) => `${p} ${readFileSync(`/proc/${p}/cmdline`, 'utf8').replace(/\0/g, ' ').trim()}`);

beforeAll(() => {
  if (missing) return;
  // The user must reach the binary, the fixture and their home: a copy under a directory open to all.
  state.base = mkdtempSync('/var/tmp/rocker-rootless-');
  chmodSync(state.base, 0o755);
  state.home = join(state.base, 'home');
  sh(['useradd', '--home-dir', state.home, '--create-home', '--shell', '/bin/sh', name]);
  if (!subRange('/etc/subuid')) sh(['usermod', '--add-subuids', `${SUB.start}-${SUB.start + SUB.count - 1}`, name]);
  if (!subRange('/etc/subgid')) sh(['usermod', '--add-subgids', `${SUB.start}-${SUB.start + SUB.count - 1}`, name]);
  state.uid = Number(sh(['id', '-u', name]).trim());
  state.gid = Number(sh(['id', '-g', name]).trim());
  state.rocker = join(state.base, 'rocker');
  copyFileSync(join(REPO, 'dist', 'rocker'), state.rocker);
  chmodSync(state.rocker, 0o755);
  state.tar = join(state.base, 'busybox.tar');
  copyFileSync(busyboxTar(), state.tar);
  chmodSync(state.tar, 0o644);
  state.runDir = join(state.base, 'run');
  mkdirSync(state.runDir, { mode: 0o700 });
  sh(['chown', `${state.uid}:${state.gid}`, state.runDir]);
});

afterAll(async () => {
  if (missing || !state.base) return;
  try {
    const left = rocker(['ps', '-aq']).stdout.split('\n').filter(Boolean);
    if (left.length) rocker(['rm', '-f', ...left]);
    // The store is consistent, and nothing of the containers is left running.
    expect(rocker(['system', 'check']).stdout).toBe('no problems found\n');
    await eventually(() => userProcesses().length === 0, `no processes of ${name} but the pause process (${userProcesses().join(', ')})`);
  } finally {
    const pause = pausePid();
    if (pause) spawnSync('kill', ['-9', String(pause)]);
    spawnSync('userdel', ['--force', name]);
    // userdel keeps the subordinate ids on some versions of shadow.
    for (const [file, flag] of [['/etc/subuid', '--del-subuids'], ['/etc/subgid', '--del-subgids']] as const) {
      const r = subRange(file);
      if (r) spawnSync('usermod', [flag, `${r.start}-${r.start + r.count - 1}`, name]);
    }
    rmSync(state.base, { recursive: true, force: true });
  }
});

test('a user imports into their own store: files of root in the layer belong to the user on the host, root\'s store has nothing', () => {
  const r = rocker(['import', state.tar, 'busybox']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(rocker(['images', '--format', '{{.Repository}}:{{.Tag}}']).stdout).toBe('busybox:latest\n');
  expect(existsSync(join(store(), 'images', 'busybox', 'latest', 'image.json'))).toBe(true);
  const [layer] = readdirSync(join(store(), 'layers', 'sha256'));
  expect(statSync(join(store(), 'layers', 'sha256', layer!, 'diff', 'bin', 'busybox')).uid).toBe(state.uid);
  expect(existsSync('/var/lib/rocker/images/busybox/latest') && readFileSync('/var/lib/rocker/images/busybox/latest/image.json', 'utf8').includes(layer!)).toBe(false);
  // The runtime state is the user's, private.
  expect(statSync(join(state.runDir, 'rocker')).mode & 0o777).toBe(0o700);
});

test("pull and build work in the user's store: pulled files are the user's on the host, a RUN step runs as the namespace's root", async () => {
  const reg = await startRegistry();
  try {
    await uploadImage(reg.host, 'rootless/probe', 'v1', makeImage([tarBytes([{ name: 'pulled.txt', data: 'pulled\n' }])]));
    const pulled = rocker(['pull', `${reg.host}/rootless/probe:v1`]);
    expect(pulled.code).toBe(0);
    const layers = readdirSync(join(store(), 'layers', 'sha256'));
    const owner = layers.map((l) => join(store(), 'layers', 'sha256', l, 'diff', 'pulled.txt')).filter((f) => existsSync(f)).map((f) => statSync(f).uid);
    expect(owner).toEqual([state.uid]);
  } finally {
    await reg.stop();
  }
  const ctx = join(state.home, 'ctx');
  asUser(['mkdir', ctx]);
  asUser(['sh', '-c', `printf 'FROM busybox\\nRUN id -u > /who\\n' > ${ctx}/Dockerfile`]);
  const built = rocker(['build', '-q', '-t', 'built', ctx]);
  expect(built.stderr).toBe('');
  expect(rocker(['run', '--rm', '--network', 'none', 'built', 'cat', '/who']).stdout).toBe('0\n');
});

test("the container's root writes as the user on the host, its other users as the user's subordinate ids", () => {
  const data = join(state.home, 'data');
  asUser(['mkdir', data]);
  const r = rocker(['run', '--rm', '--network', 'none', '-v', `${data}:/data`, 'busybox', 'sh', '-c', 'id -u; echo hi > /data/by-root; echo x > /data/by-1000; chown 1000:1000 /data/by-1000']);
  expect(r.stderr).toBe('');
  expect(r.stdout).toBe('0\n');
  expect(statSync(join(data, 'by-root')).uid).toBe(state.uid);
  const sub = subRange('/etc/subuid')!;
  expect(statSync(join(data, 'by-1000')).uid).toBe(sub.start + 999);
});

test('--userns keep-id: the user\'s own uid and gid inside, their workspace writable and what they write theirs on the host', () => {
  const work = join(state.home, 'work');
  asUser(['mkdir', work]);
  const r = rocker(['run', '--rm', '--network', 'none', '--userns', 'keep-id', '-v', `${work}:/work`, 'busybox', 'sh', '-c', 'id -u; id -g; stat -c %u /work; echo mine > /work/kept']);
  expect(r).toEqual({ code: 0, stdout: `${state.uid}\n${state.gid}\n${state.uid}\n`, stderr: '' });
  expect(statSync(join(work, 'kept'))).toMatchObject({ uid: state.uid, gid: state.gid });
  // Detached too: exec joins the container's own user namespace.
  expect(rocker(['run', '-d', '--name', 'keep', '--userns', 'keep-id', 'busybox', 'sleep', '100']).code).toBe(0);
  expect(rocker(['exec', 'keep', 'id', '-u']).stdout).toBe(`${state.uid}\n`);
  expect(rocker(['rm', '-f', 'keep']).code).toBe(0);
  expect(rocker(['run', '--rm', '--userns', 'nonsense', 'busybox', 'true'])).toEqual({ code: 125, stdout: '', stderr: 'rocker: invalid --userns "nonsense": use keep-id (rootless rocker) or host\n' });
});

test('an image with device nodes imports: a user namespace cannot make them, and the runtime gives /dev anyway', () => {
  const dir = join(state.base, 'devs');
  mkdirSync(join(dir, 'dev'), { recursive: true });
  sh(['mknod', join(dir, 'dev', 'null'), 'c', '1', '3']);
  sh(['sh', '-c', `echo kept > ${dir}/file`]);
  const tar = join(state.base, 'devs.tar');
  sh(['tar', '-C', dir, '-cf', tar, '.']);
  chmodSync(tar, 0o644);
  const r = rocker(['import', tar, 'withdevs']);
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
  const layer = JSON.parse(rocker(['inspect', 'withdevs']).stdout)[0].RootFS.Layers[0].replace('sha256:', '');
  expect(readFileSync(join(store(), 'layers', 'sha256', layer, 'diff', 'file'), 'utf8')).toBe('kept\n');
  expect(existsSync(join(store(), 'layers', 'sha256', layer, 'diff', 'dev', 'null'))).toBe(false);
});

test('a bind mount of /etc cannot change the host: writes are refused and the files stay as they were', () => {
  const before = readFileSync('/etc/passwd', 'utf8');
  const script = 'echo evil >> /hostetc/passwd; echo $?; touch /hostetc/rocker-rootless-probe; echo $?; rm -f /hostetc/hostname; echo $?';
  const r = rocker(['run', '--rm', '--network', 'none', '-v', '/etc:/hostetc', 'busybox', 'sh', '-c', script]);
  expect(r.code).toBe(0);
  expect(r.stdout).toBe('1\n1\n1\n');
  expect(readFileSync('/etc/passwd', 'utf8')).toBe(before);
  expect(existsSync('/etc/rocker-rootless-probe')).toBe(false);
  expect(existsSync('/etc/hostname')).toBe(true);
});

test('detached: ps, exec, logs, stop and rm; its processes run as the user on the host', () => {
  const run = rocker(['run', '-d', '--network', 'none', '--name', 'bg', 'busybox', 'sh', '-c', 'echo hello-log; exec sleep 300']);
  expect(run.stderr).toBe('');
  const id = run.stdout.trim();
  expect(id).toMatch(/^[0-9a-f]{64}$/);
  expect(rocker(['ps', '--format', '{{.Names}} {{.Status}}']).stdout).toMatch(/^bg Up /);
  expect(rocker(['exec', 'bg', 'sh', '-c', 'echo from-exec; id -u']).stdout).toBe('from-exec\n0\n');
  const pid = Number(rocker(['inspect', '-f', '{{.State.Pid}}', 'bg']).stdout.trim());
  expect(readFileSync(`/proc/${pid}/status`, 'utf8')).toMatch(new RegExp(`^Uid:\\t${state.uid}\\t`, 'm'));
  expect(rocker(['logs', 'bg']).stdout).toBe('hello-log\n');
  expect(rocker(['stop', '-t', '1', 'bg']).code).toBe(0);
  expect(rocker(['ps', '-a', '--format', '{{.Names}} {{.Status}}']).stdout).toMatch(/^bg Exited \(137\)/);
  expect(rocker(['rm', 'bg']).code).toBe(0);
  expect(rocker(['ps', '-aq']).stdout).toBe('');
  expect(readdirSync(join(store(), 'containers')).filter((e) => e !== '.names')).toEqual([]);
});

test('a killed pause process: the next command joins the namespace the running containers hold, and reaches them', async () => {
  expect(rocker(['run', '-d', '--network', 'none', '--name', 'kept', 'busybox', 'sleep', '300']).code).toBe(0);
  const pause = pausePid()!;
  spawnSync('kill', ['-9', String(pause)]);
  await eventually(() => !existsSync(`/proc/${pause}`), 'the pause process to go');
  expect(rocker(['exec', 'kept', 'echo', 'reached']).stdout).toBe('reached\n');
  expect(pausePid()).not.toBe(pause);
  // What needs the container's cgroup says so.
  const top = rocker(['top', 'kept']);
  expect([top.code, top.stderr]).toEqual([1, "rocker: top needs the container's cgroup: rootless containers get none on this host\n"]);
  expect(rocker(['rm', '-f', 'kept']).code).toBe(0);
  expect(rocker(['ps', '-aq']).stdout).toBe('');
});

test('-t gives run and exec a terminal', () => {
  const tty = (cmd: string) => asUser(['script', '-qec', cmd, '/dev/null']).stdout.replace(/\r\n/g, '\n');
  expect(tty(`${state.rocker} run --rm -t --network none busybox sh -c 'test -t 0 && test -t 1 && echo RUN-TTY'`)).toContain('RUN-TTY\n');
  expect(rocker(['run', '-d', '--network', 'none', '--name', 'tty', 'busybox', 'sleep', '300']).code).toBe(0);
  expect(tty(`${state.rocker} exec -t tty sh -c 'test -t 1 && echo EXEC-TTY'`)).toContain('EXEC-TTY\n');
  expect(rocker(['rm', '-f', 'tty']).code).toBe(0);
});

test('limits no cgroup can enforce are named once on stderr and the container runs; a bridge network is refused naming the choices', () => {
  const r = rocker(['run', '--rm', '--network', 'none', '-m', '64m', '--pids-limit', '20', 'busybox', 'echo', 'ran']);
  expect(r.code).toBe(0);
  expect(r.stdout).toBe('ran\n');
  expect(r.stderr).toBe('rocker: warning: rootless containers get no cgroup on this host: --memory, --pids-limit ignored (not enforced)\n');
  const bridged = rocker(['run', '--rm', '--network', 'bridge', 'busybox', 'true']);
  expect(bridged.code).toBe(125);
  expect(bridged.stderr).toBe('rocker: rootless containers cannot use --network bridge: use pasta (the default), host or none (bridge networks need root; slirp4netns is not supported)\n');
  expect(rocker(['ps', '-aq']).stdout).toBe('');
});

testUnless(missing ?? pastaMissing)('pasta is the default network: an interface of its own, -p publishes a port on the host, pasta ends with the container', async () => {
  const port = await freePort();
  const www = 'mkdir /www && echo hello-pasta > /www/id && exec httpd -f -p 80 -h /www';
  expect(rocker(['run', '-d', '--name', 'web', '-p', `${port}:80`, 'busybox', 'sh', '-c', www]).code).toBe(0);
  let body = '';
  await eventually(() => {
    body = spawnSync('wget', ['-qO-', `http://127.0.0.1:${port}/id`], { encoding: 'utf8', timeout: 5000 }).stdout ?? '';
    return body !== '';
  }, 'the published port to answer');
  expect(body).toBe('hello-pasta\n');
  expect(rocker(['exec', 'web', 'sh', '-c', 'ip -4 -o addr show eth0 | grep -c inet']).stdout).toBe('1\n');
  expect(rocker(['rm', '-f', 'web']).code).toBe(0);
  await eventually(() => !userProcesses().some((p) => / pasta /.test(` ${p.split(' ')[1]} `)), 'pasta to end with its container');
});

test('without a line in /etc/subuid the user is told which line to add', async () => {
  // A removed container's monitor may take a moment to finish.
  await eventually(() => userProcesses().length === 0, `no processes of ${name} but the pause process`);
  const pause = pausePid();
  if (pause) spawnSync('kill', ['-9', String(pause)]);
  // usermod refuses while the user has a process, a dying one too.
  await eventually(() => !pause || !existsSync(`/proc/${pause}`), 'the pause process to go');
  const r = subRange('/etc/subuid')!;
  sh(['usermod', '--del-subuids', `${r.start}-${r.start + r.count - 1}`, name]);
  const out = rocker(['images']);
  sh(['usermod', '--add-subuids', `${r.start}-${r.start + r.count - 1}`, name]);
  expect(out.code).toBe(1);
  expect(out.stderr).toBe(`rocker: rootless mode: no line for ${name} in /etc/subuid: add one such as "${name}:100000:65536" (as root: usermod --add-subuids 100000-165535 ${name})\n`);
});
