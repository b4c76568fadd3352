import { readFileSync } from 'node:fs';
import * as v from 'valibot';
import { check, finite, int, lazySchema, looseObject, object, record } from '../../common/schema.ts';

// The schemas are built on first use, not when this module loads: `run`
// never reads a container record back, so it should not build the hundred or
// so objects they are made of.

/** What `rocker run` was asked for, kept so `inspect` and `exec` can show and reuse it. */
const runOptionsSchema = () => object({
  tty: v.boolean(),
  interactive: v.boolean(),
  detach: v.boolean(),
  autoRemove: v.boolean(),
  readOnly: v.boolean(),
  env: v.array(v.string()),
  /** Bind mounts; `volume` names a named volume, whose `_data` directory is the source. */
  volumes: v.array(object({
    source: v.string(), destination: v.string(), readOnly: v.boolean(), volume: v.optional(v.string()), noCopy: v.optional(v.boolean()),
    /** Made for this container alone (`-v /path`): removed with it by `rm -v` and --rm. */
    anonymous: v.optional(v.boolean()),
  })),
  tmpfs: v.array(object({ destination: v.string(), options: v.array(v.string()) })),
  workdir: v.optional(v.string()),
  user: v.optional(v.string()),
  hostname: v.optional(v.string()),
  capAdd: v.array(v.string()),
  capDrop: v.array(v.string()),
  noNewPrivileges: v.boolean(),
  /** All capabilities and devices, no seccomp, writable /sys and /proc (Docker's --privileged). Absent in older records. */
  privileged: v.optional(v.boolean()),
  /**
   * 'default': Docker's profile resolved for the container's capabilities when
   * the bundle is written; 'unconfined'; or a profile file's, already resolved
   * (kept whole, as Docker keeps it, so inspect shows what the container got).
   */
  seccomp: v.optional(v.union([
    v.literal('default'),
    v.literal('unconfined'),
    object({ file: v.string(), profile: looseObject({ defaultAction: v.string(), syscalls: v.array(v.unknown()) }) }),
  ])),
  /** --security-opt systempaths=unconfined: no masked or read-only /proc and /sys paths. */
  unmaskedPaths: v.optional(v.boolean()),
  /** An AppArmor profile, only on hosts that have AppArmor. */
  apparmor: v.optional(v.string()),
  /** The id of the pod whose namespaces the container joins (network is then `pod`). */
  pod: v.optional(v.string()),
  /** none, host, pod (a pod member), or a bridge network's name (`bridge` is the default network). */
  network: v.string(),
  publish: v.optional(v.array(object({ hostIp: v.string(), hostPort: int(), containerPort: int(), protocol: v.picklist(['tcp', 'udp']) }))),
  publishAll: v.optional(v.boolean()),
  addHosts: v.optional(v.array(v.string())),
  dns: v.optional(v.array(v.string())),
  dnsSearch: v.optional(v.array(v.string())),
  ip: v.optional(v.string()),
  aliases: v.optional(v.array(v.string())),
  // Added with create/start: optional, so records written before them still read.
  /** `--entrypoint` as given ("" clears the image's). */
  entrypoint: v.optional(v.string()),
  labels: v.optional(record(v.string(), v.string())),
  /** The host's init binary (tini, catatonit), bind-mounted as the container's PID 1. */
  init: v.optional(v.string()),
  shmSize: v.optional(v.pipe(int(), v.gtValue(0))),
  /** `--userns keep-id` (rootless): the user's own uid and gid inside, through a user namespace of the container's. */
  userns: v.optional(v.literal('keep-id')),
  /**
   * The health check, times in ms. From the flags it may be partial (an empty
   * test: the image's); create resolves it against the image's HEALTHCHECK.
   */
  health: v.optional(object({
    test: v.array(v.string()), interval: v.optional(finite()), timeout: v.optional(finite()), retries: v.optional(int()), startPeriod: v.optional(finite()),
  })),
  /** `--restart`: what the monitor of a background container does when it ends. */
  restart: v.optional(object({ policy: v.picklist(['no', 'always', 'unless-stopped', 'on-failure']), maxRetries: v.pipe(int(), v.minValue(0)) })),
  ulimits: v.optional(v.array(object({ name: v.string(), soft: finite(), hard: finite() }))),
  devices: v.optional(v.array(object({
    path: v.string(), type: v.picklist(['c', 'b']), major: int(), minor: int(), fileMode: int(), access: v.string(),
  }))),
  resources: object({
    memory: v.optional(v.pipe(int(), v.gtValue(0))),
    cpuShares: v.optional(v.pipe(int(), v.gtValue(0))),
    cpusetCpus: v.optional(v.string()),
    cpus: v.optional(v.pipe(finite(), v.gtValue(0))),
    pidsLimit: v.optional(int()),
  }),
});
export type RunOptions = v.InferOutput<ReturnType<typeof runOptionsSchema>>;

/**
 * What listings need (`ps`, the image store's garbage collection): checked
 * on every listing, so it leaves out the bulky process and option fields,
 * which are checked when a command reads one container. Built apart from
 * the whole record's schema, so that a listing never builds the options'.
 */
const summaryShape = () => ({
  id: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)),
  name: v.pipe(v.string(), v.minLength(1)),
  /**
   * ISO 8601, UTC. The seed's local `YYYY-MM-DD HH:MM:SS` is worked out when
   * shown: the first local-time conversion loads the time-zone database,
   * about 7 ms that a container start should not pay.
   */
  created: v.string(),
  image: object({ name: v.string(), tag: v.string(), digest: v.string(), id: v.string() }),
  /** The image's layer diff_ids, bottom first: the overlay's lower directories. */
  layers: v.array(v.string()),
  /** The process as started: entrypoint + command. */
  command: v.array(v.string()),
});
const containerSummarySchema = () => object(summaryShape());
export type ContainerSummary = v.InferOutput<ReturnType<typeof containerSummarySchema>>;
/** Names the shape of the listing's cache (summaries, and settled exits: store.ts, exit-file.ts): change it with either. */
export const SUMMARY_CACHE_VERSION = 'containers-3';

const containerRecordSchema = () => object({
  ...summaryShape(),
  /** Resolved process settings (what the OCI spec got). */
  process: object({
    env: v.array(v.string()),
    cwd: v.string(),
    uid: int(),
    gid: int(),
    additionalGids: v.array(int()),
  }),
  hostname: v.string(),
  runtime: v.string(),
  options: runOptionsSchema(),
});
export type ContainerRecord = v.InferOutput<ReturnType<typeof containerRecordSchema>>;

const recordSchema = lazySchema(containerRecordSchema);
const summarySchema = lazySchema(containerSummarySchema);
const nameSchema = lazySchema(() => object({ name: v.pipe(v.string(), v.minLength(1)) }));

export function readSummaryFile(path: string): ContainerSummary {
  return check(summarySchema(), JSON.parse(readFileSync(path, 'utf8')));
}

/** Reads and validates one container.json; throws when it is missing or damaged. */
export function readRecordFile(path: string): ContainerRecord {
  return check(recordSchema(), JSON.parse(readFileSync(path, 'utf8')));
}

/** The name in one container.json, checked alone: removing a container needs no more of its record. */
export function readNameFile(path: string): string {
  return check(nameSchema(), JSON.parse(readFileSync(path, 'utf8'))).name;
}
