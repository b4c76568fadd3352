import { readFileSync } from 'node:fs';
import { check, z } from '../../common/schema.ts';

// The schemas are built on first use, not when this module loads: building
// them costs ~4-5 ms of a container start (about a hundred zod objects), and
// `run` never reads a container record back.

/** What `rocker run` was asked for, kept so `inspect` and `exec` can show and reuse it. */
const runOptionsSchema = () => z.object({
  tty: z.boolean(),
  interactive: z.boolean(),
  detach: z.boolean(),
  autoRemove: z.boolean(),
  readOnly: z.boolean(),
  env: z.array(z.string()),
  /** Bind mounts; `volume` names a named volume, whose `_data` directory is the source. */
  volumes: z.array(z.object({
    source: z.string(), destination: z.string(), readOnly: z.boolean(), volume: z.optional(z.string()), noCopy: z.optional(z.boolean()),
    /** Made for this container alone (`-v /path`): removed with it by `rm -v` and --rm. */
    anonymous: z.optional(z.boolean()),
  })),
  tmpfs: z.array(z.object({ destination: z.string(), options: z.array(z.string()) })),
  workdir: z.optional(z.string()),
  user: z.optional(z.string()),
  hostname: z.optional(z.string()),
  capAdd: z.array(z.string()),
  capDrop: z.array(z.string()),
  noNewPrivileges: z.boolean(),
  /** All capabilities and devices, no seccomp, writable /sys and /proc (Docker's --privileged). Absent in older records. */
  privileged: z.optional(z.boolean()),
  /**
   * 'default': Docker's profile resolved for the container's capabilities when
   * the bundle is written; 'unconfined'; or a profile file's, already resolved
   * (kept whole, as Docker keeps it, so inspect shows what the container got).
   */
  seccomp: z.optional(z.union([
    z.literal('default'),
    z.literal('unconfined'),
    z.object({ file: z.string(), profile: z.looseObject({ defaultAction: z.string(), syscalls: z.array(z.unknown()) }) }),
  ])),
  /** --security-opt systempaths=unconfined: no masked or read-only /proc and /sys paths. */
  unmaskedPaths: z.optional(z.boolean()),
  /** An AppArmor profile, only on hosts that have AppArmor. */
  apparmor: z.optional(z.string()),
  /** The id of the pod whose namespaces the container joins (network is then `pod`). */
  pod: z.optional(z.string()),
  /** none, host, pod (a pod member), or a bridge network's name (`bridge` is the default network). */
  network: z.string(),
  publish: z.optional(z.array(z.object({ hostIp: z.string(), hostPort: z.int(), containerPort: z.int(), protocol: z.enum(['tcp', 'udp']) }))),
  publishAll: z.optional(z.boolean()),
  addHosts: z.optional(z.array(z.string())),
  dns: z.optional(z.array(z.string())),
  dnsSearch: z.optional(z.array(z.string())),
  ip: z.optional(z.string()),
  aliases: z.optional(z.array(z.string())),
  // Added with create/start: optional, so records written before them still read.
  /** `--entrypoint` as given ("" clears the image's). */
  entrypoint: z.optional(z.string()),
  labels: z.optional(z.record(z.string(), z.string())),
  /** The host's init binary (tini, catatonit), bind-mounted as the container's PID 1. */
  init: z.optional(z.string()),
  shmSize: z.optional(z.int().check(z.positive())),
  /** `--userns keep-id` (rootless): the user's own uid and gid inside, through a user namespace of the container's. */
  userns: z.optional(z.literal('keep-id')),
  /**
   * The health check, times in ms. From the flags it may be partial (an empty
   * test: the image's); create resolves it against the image's HEALTHCHECK.
   */
  health: z.optional(z.object({
    test: z.array(z.string()), interval: z.optional(z.number()), timeout: z.optional(z.number()), retries: z.optional(z.int()), startPeriod: z.optional(z.number()),
  })),
  /** `--restart`: what the monitor of a background container does when it ends. */
  restart: z.optional(z.object({ policy: z.enum(['no', 'always', 'unless-stopped', 'on-failure']), maxRetries: z.int().check(z.nonnegative()) })),
  ulimits: z.optional(z.array(z.object({ name: z.string(), soft: z.number(), hard: z.number() }))),
  devices: z.optional(z.array(z.object({
    path: z.string(), type: z.enum(['c', 'b']), major: z.int(), minor: z.int(), fileMode: z.int(), access: z.string(),
  }))),
  resources: z.object({
    memory: z.optional(z.int().check(z.positive())),
    cpuShares: z.optional(z.int().check(z.positive())),
    cpusetCpus: z.optional(z.string()),
    cpus: z.optional(z.number().check(z.positive())),
    pidsLimit: z.optional(z.int()),
  }),
});
export type RunOptions = z.infer<ReturnType<typeof runOptionsSchema>>;

/**
 * What listings need (`ps`, the image store's garbage collection): checked
 * on every listing, so it leaves out the bulky process and option fields,
 * which are checked when a command reads one container. Built apart from
 * the whole record's schema, so that a listing never builds the options'.
 */
const summaryShape = () => ({
  id: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
  name: z.string().check(z.minLength(1)),
  /**
   * ISO 8601, UTC. The seed's local `YYYY-MM-DD HH:MM:SS` is worked out when
   * shown: the first local-time conversion loads the time-zone database,
   * about 7 ms that a container start should not pay.
   */
  created: z.string(),
  image: z.object({ name: z.string(), tag: z.string(), digest: z.string(), id: z.string() }),
  /** The image's layer diff_ids, bottom first: the overlay's lower directories. */
  layers: z.array(z.string()),
  /** The process as started: entrypoint + command. */
  command: z.array(z.string()),
});
const containerSummarySchema = () => z.object(summaryShape());
export type ContainerSummary = z.infer<ReturnType<typeof containerSummarySchema>>;
/** Names the summary's shape for the listing's cache: change it with the shape. */
export const SUMMARY_CACHE_VERSION = 'containers-1';

const containerRecordSchema = () => z.object({
  ...summaryShape(),
  /** Resolved process settings (what the OCI spec got). */
  process: z.object({
    env: z.array(z.string()),
    cwd: z.string(),
    uid: z.int(),
    gid: z.int(),
    additionalGids: z.array(z.int()),
  }),
  hostname: z.string(),
  runtime: z.string(),
  options: runOptionsSchema(),
});
export type ContainerRecord = z.infer<ReturnType<typeof containerRecordSchema>>;

let recordSchema: ReturnType<typeof containerRecordSchema> | undefined;
let summarySchema: ReturnType<typeof containerSummarySchema> | undefined;

export function readSummaryFile(path: string): ContainerSummary {
  return check(summarySchema ??= containerSummarySchema(), JSON.parse(readFileSync(path, 'utf8')));
}

/** Reads and validates one container.json; throws when it is missing or damaged. */
export function readRecordFile(path: string): ContainerRecord {
  return check(recordSchema ??= containerRecordSchema(), JSON.parse(readFileSync(path, 'utf8')));
}

/** The name in one container.json, checked alone: removing a container needs no more of its record. */
export function readNameFile(path: string): string {
  return check(nameOnly ??= z.object({ name: z.string().check(z.minLength(1)) }), JSON.parse(readFileSync(path, 'utf8'))).name;
}
let nameOnly: z.ZodMiniObject<{ name: z.ZodMiniString<string> }> | undefined;
