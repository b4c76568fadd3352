import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { isAbsolute } from 'node:path';
import { describeFsError, UserError } from '../../common/errors.ts';
import { parseSize } from '../../common/format.ts';
import type { RunOptions } from '../container-store/record.ts';
import { rootlessGid, rootlessUid } from '../paths.ts';
import { securityOptions } from './security.ts';
import { ALL_CAPS, containerCaps, heldCaps, normalizeCap } from './capabilities.ts';
import { networkOptions, type NetworkFlags } from '../network/flags.ts';
import { parseLabels } from '../../common/labels.ts';
import { parseDuration } from './duration.ts';
import { device, findInit, ulimit } from './host-flags.ts';
import { mountOptions } from './mount-flags.ts';

/** `rocker run`'s flags as commander hands them over (all strings). */
export interface RunFlags extends NetworkFlags {
  tty?: boolean;
  interactive?: boolean;
  detach?: boolean;
  rm?: boolean;
  readOnly?: boolean;
  memory?: string;
  cpushare?: string;
  cpuShares?: string;
  cpusetCpus?: string;
  cpus?: string;
  pidsLimit?: string;
  env: string[];
  envFile: string[];
  volume: string[];
  tmpfs: string[];
  /** `--mount type=bind|volume|tmpfs,...` */
  mount?: string[];
  workdir?: string;
  user?: string;
  hostname?: string;
  capAdd: string[];
  capDrop: string[];
  securityOpt: string[];
  privileged?: boolean;
  entrypoint?: string;
  label?: string[];
  labelFile?: string[];
  init?: boolean;
  shmSize?: string;
  ulimit?: string[];
  device?: string[];
  restart?: string;
  healthCmd?: string;
  healthInterval?: string;
  healthTimeout?: string;
  healthRetries?: string;
  healthStartPeriod?: string;
  /** commander's --no-healthcheck: false when given. */
  healthcheck?: boolean;
  /** `--pod NAME`: join a pod's namespaces (its network, ports and hostname are the pod's). */
  pod?: string;
  /** `--userns keep-id|host` */
  userns?: string;
}

/**
 * `--userns`: `host` (the default: the ids of rocker's own namespace) or
 * Podman's `keep-id`, which only a rootless rocker has a use for: as root
 * the container's ids are the host's already.
 */
function userns(mode: string): Pick<RunOptions, 'userns'> {
  if (mode === 'host' || mode === '') return {};
  if (mode !== 'keep-id') throw bad(`invalid --userns "${mode}": use keep-id (rootless rocker) or host`);
  if (rootlessUid() === undefined) throw bad('--userns keep-id is for rootless rocker (run as a user other than root): as root the container\'s ids are the host\'s already');
  return { userns: 'keep-id' };
}

/** A pod member takes its network from the pod: the flags that would make its own are refused, as Podman does. */
function podNetwork(f: RunFlags): Pick<RunOptions, 'network' | 'pod'> {
  const own = [['--network', f.network !== undefined], ['--publish', f.publish.length > 0], ['--publish-all', !!f.publishAll], ['--ip', f.ip !== undefined],
    ['--network-alias', f.networkAlias.length > 0], ['--dns', f.dns.length > 0], ['--hostname', f.hostname !== undefined]] as const;
  const given = own.find(([, on]) => on);
  if (given) throw bad(`${given[0]} cannot be combined with --pod: a pod member shares the pod's network and hostname (set them with 'rocker pod create')`);
  return { network: 'pod', pod: f.pod };
}

const bad = (msg: string) => new UserError(msg, 125);

function integer(text: string, flag: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^-?\d+$/.test(text.trim()) || n < min || n > max) throw bad(`invalid ${flag} "${text}": expected a whole number from ${min} to ${max}`);
  return n;
}

function memory(text: string): number {
  const n = parseSize(text);
  if (n === undefined || n === 0) throw bad(`invalid memory limit "${text}": use a size such as 256m, 1g or 512k`);
  // Docker's floor: below this the runtime's own start fails with an obscure OOM.
  if (n < 6 * 1024 * 1024) throw bad(`invalid memory limit "${text}": the minimum is 6m`);
  return n;
}

/**
 * The health flags as a partial check: an empty test stands for the image's
 * (create fills it in, runtime/health.ts), ["NONE"] for --no-healthcheck.
 */
function healthFlags(f: RunFlags): Pick<RunOptions, 'health'> {
  const given = [f.healthInterval, f.healthTimeout, f.healthRetries, f.healthStartPeriod];
  if (f.healthcheck === false) {
    if (f.healthCmd !== undefined || given.some((g) => g !== undefined)) throw bad('--no-healthcheck cannot be combined with other health flags');
    return { health: { test: ['NONE'] } };
  }
  if (f.healthCmd === undefined && given.every((g) => g === undefined)) return {};
  const positive = (text: string | undefined, flag: string) => {
    if (text === undefined) return undefined;
    const ms = parseDuration(text, flag);
    if (ms < 1) throw bad(`invalid ${flag} "${text}": it must be at least 1ms`);
    return ms;
  };
  // Undefined fields are left to the image's HEALTHCHECK or Docker's defaults when the container is created.
  return {
    health: {
      test: f.healthCmd === undefined ? [] : ['CMD-SHELL', f.healthCmd],
      interval: positive(f.healthInterval, '--health-interval'),
      timeout: positive(f.healthTimeout, '--health-timeout'),
      retries: f.healthRetries === undefined ? undefined : integer(f.healthRetries, '--health-retries', 1, 1000),
      startPeriod: f.healthStartPeriod === undefined ? undefined : parseDuration(f.healthStartPeriod, '--health-start-period'),
    },
  };
}

/** `--restart no|always|unless-stopped|on-failure[:N]`. */
function restartPolicy(text: string, autoRemove: boolean): NonNullable<RunOptions['restart']> {
  const m = /^(no|always|unless-stopped|on-failure)(?::(\d+))?$/.exec(text);
  if (!m || (m[2] !== undefined && m[1] !== 'on-failure')) throw bad(`invalid --restart "${text}": use no, always, unless-stopped or on-failure[:MAX-RETRIES]`);
  if (autoRemove && m[1] !== 'no') throw bad('--restart cannot be combined with --rm: a container that restarts is never removed at its end');
  return { policy: m[1] as NonNullable<RunOptions['restart']>['policy'], maxRetries: Number(m[2] ?? 0) };
}

function shmSize(text: string): number {
  const n = parseSize(text);
  if (n === undefined || n === 0) throw bad(`invalid --shm-size "${text}": use a size such as 64m or 1g`);
  return n;
}

function cpus(text: string): number {
  const n = Number(text);
  const max = availableParallelism();
  if (!/^\d+(\.\d+)?$/.test(text.trim()) || !(n > 0)) throw bad(`invalid --cpus "${text}": expected a positive number such as 1.5`);
  if (n > max) throw bad(`invalid --cpus "${text}": this machine has ${max} CPUs`);
  return n;
}

function cpuset(text: string): string {
  if (!/^\d+(-\d+)?(,\d+(-\d+)?)*$/.test(text)) throw bad(`invalid --cpuset-cpus "${text}": expected a list such as 0-1 or 0,2`);
  const max = availableParallelism() - 1;
  for (const n of text.split(/[,-]/).map(Number)) if (n > max) throw bad(`invalid --cpuset-cpus "${text}": CPU ${n} does not exist (0-${max})`);
  return text;
}

const ENV_KEY = /^[^=\s]+$/;

/** `KEY=VAL` as given; a bare `KEY` takes the host's value, as in Docker, or is dropped when unset. */
function envEntry(text: string, where: string): string | undefined {
  const eq = text.indexOf('=');
  const key = eq < 0 ? text : text.slice(0, eq);
  if (!ENV_KEY.test(key)) throw bad(`invalid environment variable "${text}" ${where}`);
  if (eq >= 0) return text;
  const v = process.env[key];
  return v === undefined ? undefined : `${key}=${v}`;
}

function envFile(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw bad(`cannot read env file ${path}: ${describeFsError(err)}`);
  }
  return text
    .split('\n')
    .map((l, i) => [l.replace(/\r$/, ''), i + 1] as const)
    .filter(([l]) => l.trim() !== '' && !l.trimStart().startsWith('#'))
    .map(([l, n]) => envEntry(l.trimStart(), `in ${path} line ${n}`))
    .filter((e): e is string => e !== undefined);
}

function caps(list: string[], flag: string): string[] {
  const out = list.flatMap((c) => c.split(',')).filter(Boolean).map(normalizeCap);
  for (const c of out) if (c !== 'ALL' && !ALL_CAPS.includes(c)) throw bad(`invalid ${flag} "${c}": not a Linux capability`);
  // Else the runtime fails with "unable to apply caps" once the container exists.
  const missing = flag === '--cap-add' ? out.find((c) => c !== 'ALL' && !heldCaps().includes(c)) : undefined;
  if (missing) throw bad(`invalid ${flag} "${missing}": rocker itself does not hold ${missing} on this host, so no container can`);
  return out;
}

/** Validates every flag before anything is created, so bad input leaves nothing behind. */
export function runOptionsFromFlags(f: RunFlags): RunOptions {
  const shares = f.cpushare ?? f.cpuShares;
  if (f.user !== undefined && !/^[^:\s]+(:[^:\s]+)?$/.test(f.user)) throw bad(`invalid --user "${f.user}": expected USER[:GROUP] (names or numbers)`);
  if (f.hostname !== undefined && !/^[a-zA-Z0-9]([a-zA-Z0-9.-]{0,62}[a-zA-Z0-9])?$/.test(f.hostname)) throw bad(`invalid --hostname "${f.hostname}"`);
  if (f.workdir !== undefined && !isAbsolute(f.workdir)) throw bad(`invalid --workdir "${f.workdir}": it must be an absolute path`);
  if (f.detach && (f.tty || f.interactive)) {
    throw bad('-d cannot be combined with -t or -i: a detached container writes to its log; use rocker exec -it to get a shell in it');
  }
  const env = [...f.envFile.flatMap(envFile), ...f.env.map((e) => envEntry(e, 'in -e')).filter((e): e is string => e !== undefined)];
  const privileged = !!f.privileged;
  const capAdd = caps(f.capAdd, '--cap-add');
  const capDrop = caps(f.capDrop, '--cap-drop');
  const options: RunOptions = {
    tty: !!f.tty && !f.detach,
    interactive: !!f.interactive && !f.detach,
    detach: !!f.detach,
    autoRemove: !!f.rm,
    readOnly: !!f.readOnly,
    env,
    ...mountOptions(f.volume, f.tmpfs, f.mount ?? []),
    workdir: f.workdir,
    // keep-id runs as the user by default, as Podman's does.
    user: f.user ?? (f.userns === 'keep-id' && rootlessUid() !== undefined ? `${rootlessUid()}:${rootlessGid() ?? rootlessUid()}` : undefined),
    hostname: f.hostname,
    capAdd,
    capDrop,
    privileged,
    ...securityOptions(f.securityOpt, containerCaps({ capAdd, capDrop, privileged }), privileged),
    ...(f.pod === undefined ? networkOptions(f) : podNetwork(f)),
    ...(f.entrypoint !== undefined ? { entrypoint: f.entrypoint } : {}),
    ...(f.label?.length || f.labelFile?.length ? { labels: parseLabels(f.label ?? [], f.labelFile ?? []) } : {}),
    ...(f.init ? { init: findInit() } : {}),
    ...(f.shmSize !== undefined ? { shmSize: shmSize(f.shmSize) } : {}),
    ...(f.ulimit?.length ? { ulimits: f.ulimit.map(ulimit) } : {}),
    ...(f.device?.length ? { devices: f.device.map(device) } : {}),
    ...(f.restart !== undefined ? { restart: restartPolicy(f.restart, !!f.rm) } : {}),
    ...(f.userns !== undefined ? userns(f.userns) : {}),
    ...healthFlags(f),
    resources: {
      memory: f.memory === undefined ? undefined : memory(f.memory),
      cpuShares: shares === undefined ? undefined : integer(shares, '--cpushare', 2, 262144),
      cpusetCpus: f.cpusetCpus === undefined ? undefined : cpuset(f.cpusetCpus),
      cpus: f.cpus === undefined ? undefined : cpus(f.cpus),
      pidsLimit: f.pidsLimit === undefined ? undefined : integer(f.pidsLimit, '--pids-limit', -1, 4194304),
    },
  };
  // Typed as the record's schema; not parsed again here: every field was checked as it was built from the flags.
  return options;
}
