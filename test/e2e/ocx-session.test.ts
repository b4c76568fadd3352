// A running session, checked from inside the container: what it can do, not
// which flags it was given. Then shell/exec/ps/stats/stop on it.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { ENGINE, engineCli } from '../helpers/ocx-engine.ts';
import { ocx, ocxBackground, portOutsideEphemeralRange, sandbox, waitFor } from '../helpers/ocx.ts';
import { testUnless } from '../helpers/require.ts';

const sb = sandbox();
const dir = sb.project('sess', {
  network: 'host', forbidden_paths: ['secret', 'secret.txt'], pids_limit: 64, memory: '512m', cpus: 0.5,
});
const USER = 'ocxuser';
const VOL = 'ocx-git-github-com-palekiwi-labs-ocx';
let session: ReturnType<typeof ocxBackground>;
let name = '';

const inside = (script: string) => ocx(['exec', 'sh', '-c', script], dir, sb.env);
const running = (n: string) => engineCli(['ps', '--format', '{{.Names}}']).stdout.split('\n').includes(n);

beforeAll(async () => {
  mkdirSync(join(dir, 'secret'));
  writeFileSync(join(dir, 'secret', 'key.pem'), 'TOP SECRET\n');
  writeFileSync(join(dir, 'secret.txt'), 'TOP SECRET\n');
  spawnSync('git', ['init', '-q', dir]);
  spawnSync('git', ['-C', dir, 'remote', 'add', 'origin', 'https://github.com/palekiwi-labs/ocx.git']);
  mkdirSync(join(sb.home, '.config', 'opencode'), { recursive: true });
  writeFileSync(join(sb.home, '.config', 'opencode', 'marker'), 'from the host\n');
  expect(ocx(['build'], dir, sb.env).code).toBe(0);
  name = `ocx-sess-${ocx(['port'], dir, sb.env).stdout.trim()}`;
  session = ocxBackground(['opencode', 'serve', '--hostname', '127.0.0.1', '--port', '0'], dir, sb.env);
  await waitFor(() => running(name), 60_000, `container ${name}`);
});

afterAll(() => {
  engineCli(['rm', '-f', name]);
});

test('no effective capabilities, no_new_privs and a seccomp filter, for the agent and for exec', () => {
  const r = inside('grep -E "^(CapEff|NoNewPrivs|Seccomp):" /proc/1/status /proc/self/status');
  expect(r.code).toBe(0);
  expect(r.stdout.match(/CapEff:\s+0000000000000000/g)).toHaveLength(2);
  expect(r.stdout.match(/NoNewPrivs:\s+1/g)).toHaveLength(2);
  expect(r.stdout.match(/Seccomp:\s+2/g)).toHaveLength(2);
});

test('the pids and memory limits are in force', () => {
  const r = inside('cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max; cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max');
  expect(r.stdout.split('\n').slice(0, 2)).toEqual(['64', String(512 * 1024 * 1024)]);
  // The CPU quota too (cgroup v1: quota/period; v2: "quota period").
  const cpu = inside('cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/cpu/cpu.cfs_period_us 2>/dev/null || cat /sys/fs/cgroup/cpu.max').stdout.trim().split(/\s+/).map(Number);
  expect(cpu[0]! / cpu[1]!).toBe(0.5);
});

test('forbidden paths are unreadable', () => {
  const r = inside('cat secret/key.pem; echo "dir=$?"; cat secret.txt; echo "file=$?"');
  expect(r.stdout).not.toContain('TOP SECRET');
  expect(r.stdout).toMatch(/dir=1/);
  expect(r.stdout).toContain('file=0');
});

test('the workspace is writable, and new files belong to the host user', () => {
  const r = inside('pwd; echo hi > made-inside');
  expect(r.code).toBe(0);
  expect(r.stdout.trim()).toBe(`/home/${USER}/sess`);
  const st = statSync(join(dir, 'made-inside'));
  expect([st.uid, st.gid]).toEqual([process.getuid!(), process.getgid!()]);
});

test('the OpenCode config dir and the git-named data volumes are mounted where the original mounts them', () => {
  expect(inside(`cat /home/${USER}/.config/opencode/marker`).stdout).toBe('from the host\n');
  const m = inside('cat /proc/self/mountinfo').stdout;
  expect(m).toContain(` /home/${USER}/.cache `);
  expect(m).toContain(` /home/${USER}/.local `);
  expect(engineCli(['volume', 'inspect', `${VOL}-cache`]).code).toBe(0);
  expect(engineCli(['volume', 'inspect', `${VOL}-local`]).code).toBe(0);
  const v = ocx(['volume'], dir, sb.env).stdout;
  expect(v).toContain(`${VOL}-cache  -> /home/${USER}/.cache\n`);
  expect(inside(`touch /home/${USER}/.cache/x && echo ok`).stdout).toBe('ok\n');
});

test('host networking publishes no port', () => {
  expect(engineCli(['inspect', name, '--format', '{{json .HostConfig.PortBindings}}']).stdout.trim()).toMatch(/^(null|\{\})$/);
});

test('shell, exec, ps and stats work on the session and pass exit codes on', () => {
  const sh = ocx(['shell'], dir, sb.env, 'id -u; exit 3\n');
  expect(sh.stdout.trim()).toBe(String(process.getuid!()));
  expect(sh.code).toBe(3);
  expect(ocx(['exec', 'sh', '-c', 'exit 7'], dir, sb.env).code).toBe(7);
  const ps = ocx(['ps'], dir, sb.env);
  expect(ps.stdout).toMatch(new RegExp(`^${name} +localhost/ocx:\\S+ +running`, 'm'));
  const stats = ocx(['stats'], dir, sb.env);
  expect(stats.code).toBe(0);
  expect(stats.stdout).toContain(name);
});

test('a second session for the same directory is refused with the reason', () => {
  const r = ocx(['opencode', '--version'], dir, sb.env);
  expect(r.code).toBe(125);
  expect(r.stderr).toContain(`ocx: container ${name} already exists (running)`);
});

test('stop ends the session; nothing is left behind', async () => {
  const r = ocx(['stop'], dir, sb.env);
  expect(r.stdout).toBe(`Stopped ${name}\n`);
  // docs/ocx.md: OpenCode as PID 1 ignores SIGTERM, so stop kills it after the grace time; the session returns the container's code.
  expect(await session.done).toBe(137);
  expect(running(name)).toBe(false);
  expect(ocx(['ps', '-a'], dir, sb.env).stdout).not.toContain(name);
  const again = ocx(['shell'], dir, sb.env);
  expect(again.code).toBe(1);
  expect(again.stderr).toBe(`ocx: no running container ${name} for ${dir}; start one with 'ocx opencode'\n`);
});

// rocker's default network always exists: it is defined on first use.
const hasBridge = ENGINE === 'rocker' || engineCli(['network', 'inspect', 'bridge']).code === 0;

test('on a bridge network the port is published as configured, and only then', async () => {
  const net = 'ocx-e2e-net';
  engineCli(['network', 'create', net]);
  const port = await portOutsideEphemeralRange();
  const proj = sb.project('pub', { network: net, port });
  const listening = () => new Promise<boolean>((res) => {
    const s = createConnection({ host: '127.0.0.1', port }, () => { s.destroy(); res(true); });
    s.on('error', () => res(false));
  });
  const cname = `ocx-pub-${port}`;
  const s = ocxBackground(['opencode', 'serve', '--hostname', '0.0.0.0', '--port', '80'], proj, sb.env);
  try {
    await waitFor(() => running(cname), 60_000, cname);
    expect(JSON.parse(engineCli(['inspect', cname, '--format', '{{json .HostConfig.PortBindings}}']).stdout)).toEqual({ '80/tcp': [{ HostIp: '', HostPort: String(port) }] });
    // Docker's userland proxy accepts at once; rocker's port forwarding reaches OpenCode once it listens.
    const until = Date.now() + 60_000;
    while (!(await listening()) && Date.now() < until) await new Promise((r) => setTimeout(r, 250));
    expect(await listening()).toBe(true);
    // host.docker.internal is the host as the container sees it: the network's gateway
    // (a dockerd without its default bridge, as the test one, has no address for host-gateway).
    if (hasBridge) expect(ocx(['exec', 'sh', '-c', 'getent hosts host.docker.internal'], proj, sb.env).stdout).toMatch(/^\d+\.\d+\.\d+\.\d+\s+host\.docker\.internal$/m);
  } finally {
    ocx(['stop'], proj, sb.env);
    await s.done;
  }
  sb.project('pub', { network: net, port, publish_port: false });
  const s2 = ocxBackground(['opencode', 'serve', '--hostname', '0.0.0.0', '--port', '80'], proj, sb.env);
  try {
    await waitFor(() => running(cname), 60_000, cname);
    expect(engineCli(['inspect', cname, '--format', '{{json .HostConfig.PortBindings}}']).stdout.trim()).toMatch(/^(null|\{\})$/);
    expect(await listening()).toBe(false);
  } finally {
    ocx(['stop'], proj, sb.env);
    await s2.done;
    engineCli(['network', 'rm', net]);
  }
});

(ENGINE === 'rocker' ? test.skip : testUnless(hasBridge ? 'the engine has a bridge network, so there is nothing to warn about' : undefined))('an engine without a bridge network gets a one-line warning, and the run goes on', () => {
  const proj = sb.project('nobridge', {});
  const r = ocx(['opencode', '--version'], proj, sb.env);
  expect(r.code).toBe(0);
  expect(r.stderr).toMatch(/^warning: the docker engine has no "bridge" network \(started with --bridge=none\?\): .*OCX_NETWORK=host\n$/);
  // Remembered: the second run asks the engine nothing more, and still warns.
  expect(ocx(['opencode', '--version'], proj, sb.env).stderr).toContain('has no "bridge" network');
});

test('a network that does not exist is named', () => {
  const proj = sb.project('nonet', { network: 'no-such-net' });
  const r = ocx(['opencode', '--version'], proj, sb.env);
  expect(r.code).toBe(125);
  expect(r.stderr).toContain('ocx: the engine has no network "no-such-net"');
});

test('another uid/gid: the container user has them, and so do the files it makes', async () => {
  const env = { ...sb.env, OCX_UID: '1234', OCX_GID: '2345', OCX_USERNAME: 'alice' };
  const proj = sb.project('ids', { network: 'host' });
  chmodSync(proj, 0o777);
  const cname = `ocx-ids-${ocx(['port'], proj, env).stdout.trim()}`;
  const s = ocxBackground(['opencode', 'serve', '--hostname', '127.0.0.1', '--port', '0'], proj, env);
  try {
    await waitFor(() => running(cname), 120_000, cname);
    const r = ocx(['exec', 'sh', '-c', 'id -u; id -g; id -un; pwd; echo x > by-alice; grep CapEff /proc/self/status'], proj, env);
    expect(r.stdout.split('\n').slice(0, 4)).toEqual(['1234', '2345', 'alice', '/home/alice/ids']);
    expect(r.stdout).toMatch(/CapEff:\s+0000000000000000/);
    const st = statSync(join(proj, 'by-alice'));
    expect([st.uid, st.gid]).toEqual([1234, 2345]);
    // Outside the workspace the agent can write nothing of the image's.
    const w = ocx(['exec', 'sh', '-c', 'touch /usr/bin/x 2>&1; touch /etc/passwd 2>&1; echo end'], proj, env);
    expect(w.stdout).toMatch(/Permission denied[\s\S]*Permission denied[\s\S]*end/);
  } finally {
    ocx(['stop'], proj, env);
    await s.done;
  }
});
