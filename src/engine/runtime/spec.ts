import { UserError } from '../../common/errors.ts';
import type { ContainerRecord } from '../container-store/record.ts';
import { cgroupLeaf } from '../container-store/status.ts';
import { rootlessGid, rootlessUid } from '../paths.ts';
import { keepIdMappings } from '../rootless/keep-id.ts';
import { NETNS_SYSCTLS } from '../network/sysctls.ts';
import type { ContainerFiles } from '../container-store/store.ts';
import { defaultSeccomp } from './seccomp/default.ts';
import { containerCaps } from './capabilities.ts';
import { hostDevices } from './devices.ts';

// Docker's defaults: kernel interfaces a container has no business reading or writing.
const MASKED_PATHS = [
  '/proc/asound', '/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list',
  '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware', '/sys/devices/virtual/powercap',
];
const READONLY_PATHS = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

/** Where --init's binary is mounted: Docker's path. */
const INIT_PATH = '/sbin/docker-init';

/**
 * The spec as JSON. An rlimit of -1 (unlimited) becomes RLIM_INFINITY,
 * 2^64-1, which no JavaScript number holds exactly, so it is spelled out.
 */
export function specJson(spec: object): string {
  return JSON.stringify(spec).replace(/"(soft|hard)":-1\b/g, '"$1":18446744073709551615');
}

/** Namespace paths a container joins (the OCI spec's names). */
export type Joined = Partial<Record<'network' | 'ipc' | 'uts' | 'pid', string>>;

interface Mount {
  destination: string;
  type: string;
  source: string;
  options: string[];
}

/**
 * The container's "/": an overlay of the image's layers (top first) under
 * the container's own upper directory, mounted by the runtime in the
 * container's mount namespace before everything else.
 */
function rootOverlay(files: ContainerFiles, lowers: string[]): Mount {
  const options = [`lowerdir=${lowers.join(':')}`, `upperdir=${files.upper}`, `workdir=${files.work}`];
  // mount(2) takes at most a page of options.
  if (options.join(',').length >= 4000) throw new UserError(`the image has too many layers (${lowers.length}) for one overlay mount`);
  return { destination: '/', type: 'overlay', source: 'overlay', options };
}

function mounts(rec: ContainerRecord, files: ContainerFiles, lowers: string[]): Mount[] {
  const o = rec.options;
  // Docker's --privileged: /sys and the cgroup tree writable.
  const sysMode = o.privileged ? 'rw' : 'ro';
  const list: Mount[] = [
    rootOverlay(files, lowers),
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
    { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', `size=${o.shmSize ?? 64 * 1024 * 1024}`] },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    o.network === 'host'
      ? { destination: '/sys', type: 'bind', source: '/sys', options: ['rbind', 'nosuid', 'noexec', 'nodev', sysMode] }
      : { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', sysMode] },
    { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'relatime', sysMode] },
    { destination: '/etc/hosts', type: 'bind', source: files.hosts, options: ['rbind', 'rprivate'] },
    { destination: '/etc/hostname', type: 'bind', source: files.hostname, options: ['rbind', 'rprivate'] },
  ];
  if (o.network === 'host') {
    list.push({ destination: '/etc/resolv.conf', type: 'bind', source: '/etc/resolv.conf', options: ['rbind', 'rprivate', 'ro'] });
  } else if (o.network !== 'none') {
    list.push({ destination: '/etc/resolv.conf', type: 'bind', source: files.resolvConf, options: ['rbind', 'rprivate'] });
  }
  const user: Array<{ destination: string; type: string; source: string; options: string[] }> = [];
  for (const t of o.tmpfs) {
    // Docker's defaults: noexec, nosuid, nodev, each undone by its opposite (exec, suid, dev) among the options.
    const defaults = [['noexec', 'exec'], ['nosuid', 'suid'], ['nodev', 'dev']].filter(([, off]) => !t.options.includes(off!)).map(([on]) => on!);
    user.push({ destination: t.destination, type: 'tmpfs', source: 'tmpfs', options: [...defaults, ...t.options] });
  }
  for (const v of o.volumes) {
    user.push({ destination: v.destination, type: 'bind', source: v.source, options: ['rbind', 'rprivate', v.readOnly ? 'ro' : 'rw'] });
  }
  // Parents before what lies inside them, as Docker sorts them: a tmpfs over a
  // directory of a bind-mounted workspace must come after the workspace, or the
  // workspace hides it (and runc fails to remount it read-only).
  const depth = (d: string) => d.split('/').filter(Boolean).length;
  list.push(...user.map((m, i) => ({ m, i })).sort((a, b) => depth(a.m.destination) - depth(b.m.destination) || a.i - b.i).map(({ m }) => m));
  if (o.init) list.push({ destination: INIT_PATH, type: 'bind', source: o.init, options: ['rbind', 'rprivate', 'ro'] });
  return list;
}

function resources(rec: ContainerRecord): Record<string, unknown> {
  const r = rec.options.resources;
  const out: Record<string, unknown> = { devices: [{ allow: !!rec.options.privileged, access: 'rwm' }] };
  if (r.memory !== undefined) out.memory = { limit: r.memory };
  const cpu: Record<string, unknown> = {};
  if (r.cpuShares !== undefined) cpu.shares = r.cpuShares;
  if (r.cpusetCpus !== undefined) cpu.cpus = r.cpusetCpus;
  if (r.cpus !== undefined) {
    cpu.period = 100_000;
    cpu.quota = Math.round(r.cpus * 100_000);
  }
  if (Object.keys(cpu).length) out.cpu = cpu;
  if (r.pidsLimit !== undefined) out.pids = { limit: r.pidsLimit };
  for (const d of rec.options.devices ?? []) (out.devices as object[]).push({ allow: true, type: d.type, major: d.major, minor: d.minor, access: d.access });
  return out;
}

/**
 * The bundle's config.json (OCI runtime spec 1.0): what runc needs to make
 * the namespaces, mounts and cgroup. Resources go in the spec and the
 * runtime writes them to cgroup v1 or v2 files as the host has them.
 * `joined`: namespaces the container joins rather than makes: a bridge network's, set up by
 * CNI before the start, or a pod's (network, ipc, uts, and pid with --share pid).
 * `hooks`: OCI hooks (a rootless container's pasta).
 */
export function buildSpec(rec: ContainerRecord, files: ContainerFiles, lowers: string[], consoleSize?: { height: number; width: number }, joined: Joined = {}, hooks?: object): object {
  const o = rec.options;
  const rootless = rootlessUid() !== undefined;
  const caps = containerCaps(o);
  const confinedPaths = !o.privileged && !o.unmaskedPaths;
  const seccomp = o.seccomp === undefined || o.seccomp === 'default' ? defaultSeccomp(caps) : o.seccomp === 'unconfined' ? undefined : o.seccomp.profile;
  const namespaces: { type: string; path?: string }[] = (['pid', 'mount', 'uts', 'ipc'] as const).map((type) => (type !== 'mount' && joined[type] ? { type, path: joined[type] } : { type }));
  if (joined.network) namespaces.push({ type: 'network', path: joined.network });
  // --network none, and a rootless container's pasta (its hooks connect the new namespace).
  else if (o.network === 'none' || hooks) namespaces.push({ type: 'network' });
  const userns = o.userns === 'keep-id' && rootless ? keepIdMappings(rootlessUid()!, rootlessGid() ?? rootlessUid()!) : undefined;
  if (userns) namespaces.push({ type: 'user' });
  return {
    ociVersion: '1.0.2',
    process: {
      terminal: o.tty,
      ...(o.tty && consoleSize ? { consoleSize } : {}),
      user: { uid: rec.process.uid, gid: rec.process.gid, additionalGids: rec.process.additionalGids },
      // --init: the host's tini or catatonit is PID 1 and reaps zombies; it runs the command as its child.
      args: o.init ? [INIT_PATH, '--', ...rec.command] : rec.command,
      ...(o.ulimits?.length ? { rlimits: o.ulimits.map((u) => ({ type: `RLIMIT_${u.name.toUpperCase()}`, soft: u.soft, hard: u.hard })) } : {}),
      env: rec.process.env,
      cwd: rec.process.cwd,
      capabilities: { bounding: caps, effective: caps, permitted: caps, inheritable: [] },
      noNewPrivileges: o.noNewPrivileges,
      ...(o.apparmor ? { apparmorProfile: o.apparmor } : {}),
    },
    root: { path: files.rootfs, readonly: o.readOnly },
    hostname: rec.hostname,
    mounts: mounts(rec, files, lowers),
    ...(hooks ? { hooks } : {}),
    linux: {
      // Rootless: no cgroup of its own (runc goes on without one only when no path or limit is asked for).
      ...(rootless ? {} : { cgroupsPath: `/${cgroupLeaf(rec.id)}`, resources: resources(rec) }),
      ...(o.devices?.length ? { devices: o.devices.map((d) => ({ path: d.path, type: d.type, major: d.major, minor: d.minor, fileMode: d.fileMode, uid: 0, gid: 0 })) } : {}),
      namespaces,
      ...(userns ?? {}),
      // Docker's sysctls for a namespace of the container's own (a bridged one's are set where its namespace is made).
      // Not rootless: a ping_group_range beyond the user namespace's mapped gids is refused (EINVAL).
      ...(!joined.network && o.network === 'none' && !rootless ? { sysctl: NETNS_SYSCTLS } : {}),
      maskedPaths: confinedPaths ? MASKED_PATHS : [],
      readonlyPaths: confinedPaths ? READONLY_PATHS : [],
      ...(seccomp ? { seccomp } : {}),
      ...(o.privileged ? { devices: hostDevices() } : {}),
    },
  };
}
