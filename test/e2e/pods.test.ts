// Pods: containers sharing the pod's network, IPC and UTS namespaces (and
// PID with --share pid), held without a pause image; their lifecycle, and
// that a removed pod leaves nothing behind.
import { expect, test } from 'bun:test';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { containerSuite } from '../helpers/container-suite.ts';
import { eventually, settlesTo } from '../helpers/poll.ts';
import { ROCKER, rocker } from '../helpers/rocker.ts';

const { env, leaks, runRoot } = containerSuite();
const inspectPod = (name: string) => JSON.parse(rocker(['pod', 'inspect', name], env).stdout)[0];
const list = (args: string[]) => rocker(args, env).stdout.split('\n').filter(Boolean);
const podDirs = () => (existsSync(join(runRoot, 'pods')) ? readdirSync(join(runRoot, 'pods')) : []);

test("a pod's containers share network, IPC and UTS: they talk over localhost, and its published port reaches them", async () => {
  const id = rocker(['pod', 'create', '--name', 'duo', '-p', '127.0.0.1:18931:8080', '-l', 'team=a'], env).stdout.trim();
  expect(id).toMatch(/^[0-9a-f]{64}$/);
  expect(inspectPod('duo')).toMatchObject({ Id: id, Name: 'duo', State: 'created', SharedNamespaces: ['net', 'ipc', 'uts'], Labels: { team: 'a' }, Containers: [] });
  expect(rocker(['run', '-d', '--pod', 'duo', '--name', 'web', 'busybox', 'sh', '-c', 'echo from-web > /i.html; httpd -f -p 8080 -h /'], env)).toMatchObject({ code: 0, stderr: '' });
  const peer = (cmd: string) => rocker(['run', '--rm', '--pod', 'duo', 'busybox', 'sh', '-c', cmd], env);
  expect(await settlesTo(() => peer('wget -qO- http://localhost:8080/i.html').stdout, 'from-web\n')).toBe('from-web\n');
  expect(await settlesTo(() => Bun.spawnSync(['wget', '-qO-', 'http://127.0.0.1:18931/i.html']).stdout.toString(), 'from-web\n')).toBe('from-web\n');
  // One namespace each for net, ipc and uts, the pod's; the mount and PID namespaces stay each container's own.
  const ns = (c: string) => rocker(['exec', c, 'sh', '-c', 'hostname; for n in net ipc uts pid mnt; do readlink /proc/self/ns/$n; done'], env).stdout;
  expect(rocker(['run', '-d', '--pod', 'duo', '--name', 'side', 'busybox', 'sleep', '1000'], env).code).toBe(0);
  const [a, b] = [ns('web').split('\n'), ns('side').split('\n')];
  expect(a[0]).toBe('duo');
  expect(a.slice(0, 4)).toEqual(b.slice(0, 4));
  expect(a[4]).not.toBe(b[4]);
  expect(a[5]).not.toBe(b[5]);
  const host = Bun.spawnSync(['readlink', '/proc/self/ns/net', '/proc/self/ns/ipc', '/proc/self/ns/uts']).stdout.toString().split('\n');
  expect(a.slice(1, 4)).not.toContain(host[0]);
  expect(a.slice(1, 4)).not.toContain(host[1]);
  const pod = inspectPod('duo');
  expect(pod.State).toBe('running');
  expect(pod.Containers.map((c: { Name: string }) => c.Name)).toEqual(['web', 'side']);
  expect(pod.IPAddress).toMatch(/^10\./);
  expect(rocker(['pod', 'ls'], env).stdout).toMatch(new RegExp(`\\n${id.slice(0, 12)} +duo +running +.* 2\\n`));
});

test('pod stop ends its containers and lets its namespaces go; pod start makes them again', async () => {
  expect(rocker(['pod', 'stop', '-t', '1', 'duo'], env)).toEqual({ code: 0, stdout: 'duo\n', stderr: '' });
  expect(inspectPod('duo').State).toBe('exited');
  expect(podDirs()).toEqual([]);
  expect(await leaks()).toMatchObject({ mounts: [], processes: [] });
  expect(rocker(['pod', 'start', 'duo'], env)).toEqual({ code: 0, stdout: 'duo\n', stderr: '' });
  expect(inspectPod('duo').Containers.map((c: { State: string }) => c.State)).toEqual(['running', 'running']);
  expect(await settlesTo(() => rocker(['exec', 'side', 'wget', '-qO-', 'http://localhost:8080/i.html'], env).stdout, 'from-web\n')).toBe('from-web\n');
  // A member started on its own brings the pod's namespaces back too.
  expect(rocker(['pod', 'stop', '-t', '1', 'duo'], env).code).toBe(0);
  expect(rocker(['start', 'side'], env).code).toBe(0);
  expect(rocker(['exec', 'side', 'hostname'], env).stdout).toBe('duo\n');
  expect(inspectPod('duo').State).toBe('degraded');
});

test('--share pid: one PID namespace whose init is the host\'s catatonit', () => {
  expect(rocker(['pod', 'create', '--name', 'pids', '--share', 'pid', '--network', 'none'], env).code).toBe(0);
  expect(rocker(['run', '-d', '--pod', 'pids', '--name', 'sleeper', 'busybox', 'sleep', '1000'], env).code).toBe(0);
  const ps = rocker(['run', '--rm', '--pod', 'pids', 'busybox', 'ps', '-o', 'pid,args'], env).stdout;
  expect(ps).toMatch(/\n +1 .*catatonit -P\n/);
  expect(ps).toContain('sleep 1000');
  expect(inspectPod('pids').SharedNamespaces).toEqual(['net', 'ipc', 'uts', 'pid']);
});

test('pod rm keeps a pod with running containers unless -f; bad input is a one-line error that makes nothing', async () => {
  expect(rocker(['pod', 'rm', 'pids'], env)).toEqual({ code: 1, stdout: '', stderr: "rocker: pod pids has running container sleeper: stop the pod first, or use 'rocker pod rm -f'\n" });
  const cases: [string[], number, string][] = [
    [['run', '--rm', '--pod', 'nosuch', 'busybox', 'true'], 125, 'rocker: no such pod: nosuch\n'],
    [['run', '--rm', '--pod', 'duo', '-p', '80:80', 'busybox', 'true'], 125, "rocker: --publish cannot be combined with --pod: a pod member shares the pod's network and hostname (set them with 'rocker pod create')\n"],
    [['run', '--rm', '--network', 'pod', 'busybox', 'true'], 125, 'rocker: --network pod: join a pod with --pod NAME\n'],
    [['pod', 'create', '--name', 'duo'], 1, 'rocker: pod name "duo" is already in use by pod '],
    [['pod', 'create', '--share', 'cgroup'], 1, 'rocker: invalid --share "cgroup": pods share net, ipc and uts always; --share can add pid\n'],
    [['pod', 'inspect', 'nosuch'], 1, 'rocker: no such pod: nosuch\n'],
    [['pod', 'create', '-p', '99999:80'], 1, 'rocker: invalid --publish "99999:80": port "99999" is not a number from 1 to 65535\n'],
  ];
  for (const [args, code, stderr] of cases) {
    const r = rocker(args, env);
    expect(r.code).toBe(code);
    expect(r.stderr.startsWith(stderr)).toBe(true);
  }
  expect(rocker(['pod', 'ls', '-q'], env).stdout.split('\n').filter(Boolean).length).toBe(2);
  const ids = list(['pod', 'ls', '-q', '--no-trunc']);
  expect(rocker(['pod', 'rm', '-f', 'pids', 'duo'], env)).toEqual({ code: 0, stdout: 'pids\nduo\n', stderr: '' });
  // The pods' own network: no rule names them, no attachment or namespace file is left (other stores' rules may come and go meanwhile).
  const rules = Bun.spawnSync(['iptables-save']).stdout.toString();
  expect(ids.filter((id) => rules.includes(id))).toEqual([]);
  expect(readdirSync(join(runRoot, 'net', 'attachments'))).toEqual([]);
  expect(readdirSync(join(runRoot, 'net', 'netns'))).toEqual([]);
  expect(rocker(['ps', '-aq'], env).stdout).toBe('');
  expect(rocker(['pod', 'ls', '-q'], env).stdout).toBe('');
  expect(podDirs()).toEqual([]);
  expect(await leaks()).toMatchObject({ mounts: [], processes: [], cgroups: [] });
});

/** Starts `rocker ARGS`, kills it with SIGKILL once `stage` holds (it must still be at work), waits for it to go. */
async function killAt(args: string[], stage: () => boolean, what: string): Promise<void> {
  const child = spawn(ROCKER, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  let exited = false;
  const closed = new Promise((r) => child.on('close', r)).then(() => (exited = true));
  await eventually(() => exited || stage(), what);
  expect({ exited, stderr }).toEqual({ exited: false, stderr: '' });
  child.kill('SIGKILL');
  await closed;
}

test('pod start killed while it makes the namespaces: the next start clears the half-made ones, rm -f leaves nothing', async () => {
  const id = rocker(['pod', 'create', '--name', 'killed', '--share', 'pid', '-p', '18932:80'], env).stdout.trim();
  expect(rocker(['create', '--pod', 'killed', '--name', 'k1', 'busybox', 'sleep', '1000'], env).code).toBe(0);
  expect(rocker(['pod', 'stop', 'killed'], env).code).toBe(0);
  const dir = join(runRoot, 'pods', id);
  const stages: Array<[() => boolean, string]> = [
    [() => existsSync(dir), 'the pod directory (the network being attached)'],
    [() => existsSync(join(dir, 'unshare')), 'the PID namespace holder to start'],
  ];
  for (const [stage, what] of stages) {
    await killAt(['pod', 'start', 'killed'], stage, what);
    expect(rocker(['pod', 'start', 'killed'], env).code).toBe(0);
    expect(rocker(['exec', 'k1', 'ps', '-o', 'pid,args'], env).stdout).toMatch(/\n +1 .*catatonit -P\n/);
    expect(rocker(['pod', 'stop', '-t', '0', 'killed'], env).code).toBe(0);
    expect(await leaks()).toMatchObject({ mounts: [], processes: [] });
  }
  await killAt(['pod', 'start', 'killed'], () => existsSync(join(dir, 'unshare')), 'the PID namespace holder to start');
  expect(rocker(['pod', 'rm', '-f', 'killed'], env)).toEqual({ code: 0, stdout: 'killed\n', stderr: '' });
  expect(podDirs()).toEqual([]);
  expect(await leaks()).toMatchObject({ mounts: [], processes: [], cgroups: [] });
});
