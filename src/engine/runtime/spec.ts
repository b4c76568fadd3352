import { UserError } from '../../common/errors.ts';
import type { ContainerRecord } from '../container-store/record.ts';
import { cgroupLeaf } from '../container-store/status.ts';
import type { ContainerFiles } from '../container-store/store.ts';

// Docker's default capability set (moby/oci/caps/defaults.go).
export const DEFAULT_CAPS = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE',
];

// Docker's defaults: kernel interfaces a container has no business reading or writing.
const MASKED_PATHS = [
  '/proc/asound', '/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list',
  '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware', '/sys/devices/virtual/powercap',
];
const READONLY_PATHS = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

/** "NET_ADMIN", "cap_net_admin" and "ALL" as capability names. */
export function normalizeCap(name: string): string {
  const up = name.toUpperCase();
  return up === 'ALL' || up.startsWith('CAP_') ? up : `CAP_${up}`;
}

export function capabilitySet(add: string[], drop: string[]): string[] {
  const adds = add.map(normalizeCap);
  const drops = drop.map(normalizeCap);
  let caps = adds.includes('ALL') ? [...ALL_CAPS] : [...DEFAULT_CAPS, ...adds];
  caps = drops.includes('ALL') ? caps.filter((c) => adds.includes(c)) : caps.filter((c) => !drops.includes(c));
  return [...new Set(caps)];
}

export const ALL_CAPS = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE', 'CAP_NET_BROADCAST', 'CAP_NET_ADMIN',
  'CAP_NET_RAW', 'CAP_IPC_LOCK', 'CAP_IPC_OWNER', 'CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE',
  'CAP_SYS_PACCT', 'CAP_SYS_ADMIN', 'CAP_SYS_BOOT', 'CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE', 'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL', 'CAP_SETFCAP',
  'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG', 'CAP_WAKE_ALARM', 'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ',
];

/** Where --init's binary is mounted: Docker's path. */
const INIT_PATH = '/sbin/docker-init';

/**
 * The spec as JSON. An rlimit of -1 (unlimited) becomes RLIM_INFINITY,
 * 2^64-1, which no JavaScript number holds exactly, so it is spelled out.
 */
export function specJson(spec: object): string {
  return JSON.stringify(spec).replace(/"(soft|hard)":-1\b/g, '"$1":18446744073709551615');
}

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
  const list: Mount[] = [
    rootOverlay(files, lowers),
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
    { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', `size=${o.shmSize ?? 64 * 1024 * 1024}`] },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    o.network === 'host'
      ? { destination: '/sys', type: 'bind', source: '/sys', options: ['rbind', 'nosuid', 'noexec', 'nodev', 'ro'] }
      : { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
    { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'relatime', 'ro'] },
    { destination: '/etc/hosts', type: 'bind', source: files.hosts, options: ['rbind', 'rprivate'] },
    { destination: '/etc/hostname', type: 'bind', source: files.hostname, options: ['rbind', 'rprivate'] },
  ];
  if (o.network === 'host') {
    list.push({ destination: '/etc/resolv.conf', type: 'bind', source: '/etc/resolv.conf', options: ['rbind', 'rprivate', 'ro'] });
  }
  for (const t of o.tmpfs) {
    // Docker's defaults: noexec, nosuid, nodev, each undone by its opposite (exec, suid, dev) among the options.
    const defaults = [['noexec', 'exec'], ['nosuid', 'suid'], ['nodev', 'dev']].filter(([, off]) => !t.options.includes(off!)).map(([on]) => on!);
    list.push({ destination: t.destination, type: 'tmpfs', source: 'tmpfs', options: [...defaults, ...t.options] });
  }
  for (const v of o.volumes) {
    list.push({ destination: v.destination, type: 'bind', source: v.source, options: ['rbind', 'rprivate', v.readOnly ? 'ro' : 'rw'] });
  }
  if (o.init) list.push({ destination: INIT_PATH, type: 'bind', source: o.init, options: ['rbind', 'rprivate', 'ro'] });
  return list;
}

function resources(rec: ContainerRecord): Record<string, unknown> {
  const r = rec.options.resources;
  const out: Record<string, unknown> = { devices: [{ allow: false, access: 'rwm' }] };
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
 */
export function buildSpec(rec: ContainerRecord, files: ContainerFiles, lowers: string[], consoleSize?: { height: number; width: number }): object {
  const o = rec.options;
  const caps = capabilitySet(o.capAdd, o.capDrop);
  const namespaces = [{ type: 'pid' }, { type: 'mount' }, { type: 'uts' }, { type: 'ipc' }];
  if (o.network === 'none') namespaces.push({ type: 'network' });
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
    },
    root: { path: files.rootfs, readonly: o.readOnly },
    hostname: rec.hostname,
    mounts: mounts(rec, files, lowers),
    linux: {
      cgroupsPath: `/${cgroupLeaf(rec.id)}`,
      ...(o.devices?.length ? { devices: o.devices.map((d) => ({ path: d.path, type: d.type, major: d.major, minor: d.minor, fileMode: d.fileMode, uid: 0, gid: 0 })) } : {}),
      resources: resources(rec),
      namespaces,
      maskedPaths: MASKED_PATHS,
      readonlyPaths: READONLY_PATHS,
    },
  };
}
