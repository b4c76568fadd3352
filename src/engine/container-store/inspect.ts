import { readFileSync } from 'node:fs';
import type { StorePaths } from '../paths.ts';
import type { ContainerRecord } from './record.ts';
import { healthState } from './health-state.ts';
import { containerStatus } from './status.ts';
import { containerFiles } from './store.ts';

/** Go's zero time, which Docker prints for a time that has not happened. */
const ZERO_TIME = '0001-01-01T00:00:00Z';

function mounts(o: ContainerRecord['options']): object[] {
  return [
    ...o.volumes.map((v) => ({
      Type: v.volume ? 'volume' : 'bind',
      ...(v.volume ? { Name: v.volume, Driver: 'local' } : {}),
      Source: v.source,
      Destination: v.destination,
      Mode: v.readOnly ? 'ro' : '',
      RW: !v.readOnly,
      Propagation: v.volume ? '' : 'rprivate',
    })),
    ...o.tmpfs.map((t) => ({ Type: 'tmpfs', Source: '', Destination: t.destination, Mode: t.options.join(','), RW: !t.options.includes('ro'), Propagation: '' })),
  ];
}

/**
 * A container in the shape of Docker's `inspect` (the fields scripts read:
 * Id, Name, State, Config, HostConfig, Mounts...), worked out from the
 * record and the live state. Rocker's own record is under `Rocker`.
 */
export function dockerContainer(paths: StorePaths, rec: ContainerRecord): Record<string, unknown> {
  const s = containerStatus(paths, rec, { finishedAt: true, startedAt: true });
  const o = rec.options;
  const r = o.resources;
  const image = `${rec.image.name}:${rec.image.tag}`;
  const userCommand = o.entrypoint === undefined ? rec.command : rec.command.slice(o.entrypoint === '' ? 0 : 1);
  return {
    Id: rec.id,
    Created: rec.created,
    Path: rec.command[0],
    Args: rec.command.slice(1),
    State: {
      Status: s.paused ? 'paused' : s.state,
      Running: s.state === 'running',
      Paused: !!s.paused,
      Restarting: s.state === 'restarting',
      OOMKilled: false,
      Dead: false,
      Pid: s.pid ?? 0,
      ExitCode: s.exitCode ?? 0,
      Error: s.state === 'exited' && s.exitCode === undefined ? 'the exit code was not recorded (its monitor ended first)' : '',
      StartedAt: s.startedAt?.toISOString() ?? ZERO_TIME,
      ...(o.health ? { Health: healthState(containerFiles(paths, rec.id).dir) ?? { Status: 'starting', FailingStreak: 0, Log: [] } } : {}),
      FinishedAt: s.state === 'exited' || s.state === 'restarting' ? (s.finishedAt?.toISOString() ?? ZERO_TIME) : ZERO_TIME,
    },
    Image: rec.image.digest,
    Name: `/${rec.name}`,
    RestartCount: restartCount(paths, rec.id),
    Driver: 'overlay',
    Platform: 'linux',
    HostConfig: {
      Binds: o.volumes.map((v) => `${v.volume ?? v.source}:${v.destination}${v.readOnly ? ':ro' : ''}`),
      NetworkMode: o.network,
      PortBindings: portBindings(o.publish ?? []),
      AutoRemove: o.autoRemove,
      ReadOnlyRootfs: o.readOnly,
      CapAdd: o.capAdd,
      CapDrop: o.capDrop,
      SecurityOpt: [
        ...(o.noNewPrivileges ? ['no-new-privileges'] : []),
        ...(o.privileged ? [] : o.seccomp === 'unconfined' ? ['seccomp=unconfined'] : typeof o.seccomp === 'object' ? [`seccomp=${o.seccomp.file}`] : []),
        ...(o.unmaskedPaths ? ['systempaths=unconfined'] : []),
        ...(o.apparmor ? [`apparmor=${o.apparmor}`] : []),
      ],
      Privileged: !!o.privileged,
      Init: o.init !== undefined,
      Memory: r.memory ?? 0,
      CpuShares: r.cpuShares ?? 0,
      CpusetCpus: r.cpusetCpus ?? '',
      NanoCpus: r.cpus === undefined ? 0 : Math.round(r.cpus * 1e9),
      PidsLimit: r.pidsLimit ?? null,
      ShmSize: o.shmSize ?? 64 * 1024 * 1024,
      Ulimits: (o.ulimits ?? []).map((u) => ({ Name: u.name, Soft: u.soft, Hard: u.hard })),
      Devices: (o.devices ?? []).map((d) => ({ PathOnHost: '', PathInContainer: d.path, CgroupPermissions: d.access })),
      Tmpfs: Object.fromEntries(o.tmpfs.map((t) => [t.destination, t.options.join(',')])),
      Runtime: rec.runtime,
      RestartPolicy: { Name: o.restart?.policy ?? 'no', MaximumRetryCount: o.restart?.maxRetries ?? 0 },
    },
    Mounts: mounts(o),
    Config: {
      Hostname: rec.hostname,
      User: o.user ?? '',
      Tty: o.tty,
      OpenStdin: o.interactive,
      Env: rec.process.env,
      Cmd: userCommand,
      Entrypoint: o.entrypoint === undefined ? null : o.entrypoint === '' ? [] : [o.entrypoint],
      Image: image,
      WorkingDir: rec.process.cwd,
      // Sorted, as Go's JSON encoder writes a map.
      ...(o.health ? { Healthcheck: { Test: o.health.test, Interval: (o.health.interval ?? 0) * 1e6, Timeout: (o.health.timeout ?? 0) * 1e6, Retries: o.health.retries ?? 0, StartPeriod: (o.health.startPeriod ?? 0) * 1e6 } } : {}),
      Labels: Object.fromEntries(Object.entries(o.labels ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    },
    NetworkSettings: { Networks: { [o.network]: {} } },
  };
}

/** `-p` as asked (Docker's PortBindings: "80/tcp" -> [{HostIp, HostPort}], "" where not given); the ports in use are `rocker port`'s. */
function portBindings(publish: Array<{ hostIp: string; hostPort: number; containerPort: number; protocol: string }>): Record<string, Array<{ HostIp: string; HostPort: string }>> {
  const out: Record<string, Array<{ HostIp: string; HostPort: string }>> = {};
  for (const p of publish) {
    (out[`${p.containerPort}/${p.protocol}`] ??= []).push({ HostIp: p.hostIp, HostPort: p.hostPort ? String(p.hostPort) : '' });
  }
  return out;
}

function restartCount(paths: StorePaths, id: string): number {
  try {
    return Number(readFileSync(containerFiles(paths, id).restarts, 'utf8').trim()) || 0;
  } catch {
    return 0;
  }
}
