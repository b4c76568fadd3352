import { expect, test } from 'bun:test';
import type { ContainerRecord, RunOptions } from '../../src/engine/container-store/record.ts';
import { containerFiles } from '../../src/engine/container-store/store.ts';
import { storePaths } from '../../src/engine/paths.ts';
import { capabilitySet, DEFAULT_CAPS } from '../../src/engine/runtime/capabilities.ts';
import { buildSpec, type Joined } from '../../src/engine/runtime/spec.ts';

const paths = storePaths('/var/lib/rocker', '/run/rocker');
const id = 'a'.repeat(64);

function options(over: Partial<RunOptions> = {}): RunOptions {
  return {
    tty: false, interactive: false, detach: false, autoRemove: false, readOnly: false, env: [], volumes: [], tmpfs: [],
    capAdd: [], capDrop: [], noNewPrivileges: false, network: 'none', resources: {}, ...over,
  };
}

function spec(over: Partial<RunOptions> = {}, joined: Joined = {}): any {
  const rec: ContainerRecord = {
    id, name: 'n', created: '', image: { name: 'busybox', tag: 'latest', digest: 'sha256:x', id: 'x' }, layers: [],
    command: ['sh', '-c', 'echo "a b"'], process: { env: ['PATH=/bin'], cwd: '/w', uid: 5, gid: 6, additionalGids: [7] },
    hostname: 'h', runtime: '/usr/sbin/runc', options: options(over),
  };
  return buildSpec(rec, containerFiles(paths, id), ['/layers/top', '/layers/bottom'], undefined, joined);
}

test('the process is passed through word for word, with user, cwd and env', () => {
  const s = spec();
  expect(s.process.args).toEqual(['sh', '-c', 'echo "a b"']);
  expect(s.process.user).toEqual({ uid: 5, gid: 6, additionalGids: [7] });
  expect(s.process.cwd).toBe('/w');
  expect(s.process.env).toEqual(['PATH=/bin']);
  expect(s.process.terminal).toBe(false);
  expect(s.root).toEqual({ path: `/var/lib/rocker/containers/${id}/rootfs`, readonly: false });
});

test('"/" is an overlay the runtime mounts first: image layers top first, the container\'s own upper and work directories', () => {
  const s = spec();
  expect(s.mounts[0]).toEqual({
    destination: '/', type: 'overlay', source: 'overlay',
    options: ['lowerdir=/layers/top:/layers/bottom', `upperdir=/var/lib/rocker/containers/${id}/upper`, `workdir=/var/lib/rocker/containers/${id}/work`],
  });
});

test('namespaces: network only with --network none; host shares the host network', () => {
  expect(spec().linux.namespaces.map((n: { type: string }) => n.type).sort()).toEqual(['ipc', 'mount', 'network', 'pid', 'uts']);
  expect(spec({ network: 'host' }).linux.namespaces.map((n: { type: string }) => n.type)).not.toContain('network');
});

test("a pod member joins the pod's network, ipc, uts (and pid) namespaces by path; its mount namespace stays its own", () => {
  const joined = { network: '/run/rocker/net/netns/p', ipc: '/run/rocker/pods/p/ipc', uts: '/run/rocker/pods/p/uts', pid: '/run/rocker/pods/p/pid' };
  const ns = spec({ network: 'pod', pod: 'p' }, joined).linux.namespaces;
  expect(ns).toContainEqual({ type: 'network', path: joined.network });
  expect(ns).toContainEqual({ type: 'ipc', path: joined.ipc });
  expect(ns).toContainEqual({ type: 'uts', path: joined.uts });
  expect(ns).toContainEqual({ type: 'pid', path: joined.pid });
  expect(ns).toContainEqual({ type: 'mount' });
  expect(spec({ network: 'pod', pod: 'p' }, { ...joined, pid: undefined }).linux.namespaces).toContainEqual({ type: 'pid' });
});

test('resources: memory, shares, quota from --cpus, cpuset, pids; a flat cgroup per container', () => {
  const r = spec({ resources: { memory: 268435456, cpuShares: 512, cpus: 1.5, cpusetCpus: '0-1', pidsLimit: 20 } }).linux;
  expect(r.resources.memory).toEqual({ limit: 268435456 });
  expect(r.resources.cpu).toEqual({ shares: 512, cpus: '0-1', period: 100000, quota: 150000 });
  expect(r.resources.pids).toEqual({ limit: 20 });
  expect(r.cgroupsPath).toBe(`/rocker-${id}`);
  expect(spec().linux.resources.memory).toBeUndefined();
  expect(spec().linux.resources.cpu).toBeUndefined();
});

test("Docker's defaults: /proc, /dev, /dev/pts, /dev/shm, /sys mounted; kernel files masked or read-only", () => {
  const s = spec();
  const dests = s.mounts.map((m: { destination: string }) => m.destination);
  for (const d of ['/proc', '/dev', '/dev/pts', '/dev/shm', '/sys', '/etc/hosts', '/etc/hostname']) expect(dests).toContain(d);
  expect(s.linux.maskedPaths).toContain('/proc/kcore');
  expect(s.linux.readonlyPaths).toContain('/proc/sysrq-trigger');
  expect(s.process.capabilities.bounding).toEqual(DEFAULT_CAPS);
  expect(s.process.capabilities.bounding).not.toContain('CAP_SYS_ADMIN');
});

test('volumes, tmpfs, read-only root, tty and no-new-privileges', () => {
  const s = spec({
    volumes: [{ source: '/h', destination: '/c', readOnly: true }], tmpfs: [{ destination: '/t', options: ['size=1m'] }],
    readOnly: true, tty: true, noNewPrivileges: true,
  });
  expect(s.mounts).toContainEqual({ destination: '/c', type: 'bind', source: '/h', options: ['rbind', 'rprivate', 'ro'] });
  // Docker's tmpfs defaults (deliberately changed: noexec is now among them).
  expect(s.mounts).toContainEqual({ destination: '/t', type: 'tmpfs', source: 'tmpfs', options: ['noexec', 'nosuid', 'nodev', 'size=1m'] });
  expect(s.root.readonly).toBe(true);
  expect(s.process.terminal).toBe(true);
  expect(s.process.noNewPrivileges).toBe(true);
});

test('capabilities: add, drop, ALL, names with or without CAP_', () => {
  expect(capabilitySet(['net_admin'], ['CHOWN'])).toContain('CAP_NET_ADMIN');
  expect(capabilitySet(['net_admin'], ['CHOWN'])).not.toContain('CAP_CHOWN');
  expect(capabilitySet([], ['ALL'])).toEqual([]);
  expect(capabilitySet(['KILL'], ['ALL'])).toEqual(['CAP_KILL']);
  expect(capabilitySet(['ALL'], [])).toContain('CAP_SYS_ADMIN');
});

test("seccomp: Docker's default for the container's capabilities, unconfined, a file's profile as resolved; --privileged", () => {
  const names = (s: any) => s.linux.seccomp.syscalls.flatMap((r: { names: string[] }) => r.names);
  const d = spec();
  expect(d.linux.seccomp.defaultAction).toBe('SCMP_ACT_ERRNO');
  expect(names(d)).toContain('read');
  expect(names(d)).not.toContain('unshare');
  expect(names(spec({ capAdd: ['CAP_SYS_ADMIN'] }))).toContain('unshare');
  expect(spec({ seccomp: 'unconfined' }).linux.seccomp).toBeUndefined();
  const own = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [] };
  expect(spec({ seccomp: { file: '/p.json', profile: own } }).linux.seccomp).toEqual(own);
  const p = spec({ privileged: true, seccomp: 'unconfined' });
  expect(p.linux.maskedPaths).toEqual([]);
  expect(p.linux.readonlyPaths).toEqual([]);
  expect(p.linux.resources.devices).toEqual([{ allow: true, access: 'rwm' }]);
  expect(p.linux.devices.map((x: { path: string }) => x.path)).toContain('/dev/null');
  expect(p.mounts.find((m: { destination: string }) => m.destination === '/sys').options).toContain('rw');
  expect(p.process.capabilities.bounding).toContain('CAP_SYS_ADMIN');
  expect(spec().linux.devices).toBeUndefined();
});

test('a bridge network: the runtime joins the namespace CNI set up, and gets rocker\'s resolv.conf', () => {
  const s = spec({ network: 'bridge' }, { network: '/run/rocker/net/netns/abc' });
  expect(s.linux.namespaces).toContainEqual({ type: 'network', path: '/run/rocker/net/netns/abc' });
  expect(s.mounts.find((m: { destination: string }) => m.destination === '/etc/resolv.conf')?.source).toBe(containerFiles(paths, id).resolvConf);
});

test('rootless: no cgroup path and no limits (runc goes on without a cgroup only then); pasta gets a network namespace and its two hooks', async () => {
  const { ROOTLESS_ENV } = await import('../../src/engine/paths.ts');
  const { pastaHooks } = await import('../../src/engine/rootless/pasta.ts');
  process.env[ROOTLESS_ENV] = '1000';
  try {
    const limited = spec({ resources: { memory: 64 << 20, pidsLimit: 10 } });
    expect(limited.linux.cgroupsPath).toBeUndefined();
    expect(limited.linux.resources).toBeUndefined();
    const hooks = pastaHooks(`/s/containers/${id}`, options({ network: 'pasta', publish: [{ hostIp: '', hostPort: 8080, containerPort: 80, protocol: 'tcp' }] })) as any;
    const withPasta = buildSpec({ id, name: 'n', created: '', image: { name: 'b', tag: 'l', digest: 'sha256:x', id: 'x' }, layers: [], command: ['true'], process: { env: [], cwd: '/', uid: 0, gid: 0, additionalGids: [] }, hostname: 'h', runtime: 'runc', options: options({ network: 'pasta' }) }, containerFiles(paths, id), ['/l'], undefined, undefined, hooks) as any;
    expect(withPasta.linux.namespaces.map((n: { type: string }) => n.type)).toContain('network');
    // Only what -p asks for is forwarded, either way.
    expect(withPasta.hooks.createRuntime[0].args.slice(-8)).toEqual(['-t', '8080:80', '-u', 'none', '-T', 'none', '-U', 'none']);
    expect(withPasta.hooks.poststop[0].args.at(-1)).toBe(`/s/containers/${id}/pasta.pid`);
  } finally {
    delete process.env[ROOTLESS_ENV];
  }
});
