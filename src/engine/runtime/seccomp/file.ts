// A seccomp profile from a file (`--security-opt seccomp=FILE`, and the
// build-time generator of the default): Docker's format or the OCI block,
// which is a subset of it. Checked field by field so that runc is never
// handed something it rejects after the container's files exist.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import * as v from 'valibot';
import { describeFsError, UserError } from '../../../common/errors.ts';
import { check, int, object, strictObject } from '../../../common/schema.ts';
import type { DockerProfile } from './convert.ts';

// runc's notify action needs a listener agent rocker does not have.
const ACTIONS = ['SCMP_ACT_KILL', 'SCMP_ACT_KILL_PROCESS', 'SCMP_ACT_KILL_THREAD', 'SCMP_ACT_TRAP', 'SCMP_ACT_ERRNO',
  'SCMP_ACT_TRACE', 'SCMP_ACT_ALLOW', 'SCMP_ACT_LOG'] as const;
const OPS = ['SCMP_CMP_NE', 'SCMP_CMP_LT', 'SCMP_CMP_LE', 'SCMP_CMP_EQ', 'SCMP_CMP_GE', 'SCMP_CMP_GT', 'SCMP_CMP_MASKED_EQ'] as const;
const ARCHS = ['SCMP_ARCH_X86', 'SCMP_ARCH_X86_64', 'SCMP_ARCH_X32', 'SCMP_ARCH_ARM', 'SCMP_ARCH_AARCH64', 'SCMP_ARCH_MIPS',
  'SCMP_ARCH_MIPS64', 'SCMP_ARCH_MIPS64N32', 'SCMP_ARCH_MIPSEL', 'SCMP_ARCH_MIPSEL64', 'SCMP_ARCH_MIPSEL64N32', 'SCMP_ARCH_PPC',
  'SCMP_ARCH_PPC64', 'SCMP_ARCH_PPC64LE', 'SCMP_ARCH_S390', 'SCMP_ARCH_S390X', 'SCMP_ARCH_PARISC', 'SCMP_ARCH_PARISC64',
  'SCMP_ARCH_RISCV64'] as const;
const FLAGS = ['SECCOMP_FILTER_FLAG_TSYNC', 'SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_SPEC_ALLOW'] as const;

/** Far above Docker's own profile (14 kB); a bigger file is a mistake or an attack on memory. */
const MAX_BYTES = 1024 * 1024;

let schema: v.GenericSchema<unknown, DockerProfile> | undefined;

/** Built on first use: only runs given a profile file pay for it. */
function profileSchema(): v.GenericSchema<unknown, DockerProfile> {
  if (schema) return schema;
  const syscallName = v.pipe(v.string(), v.regex(/^[a-z0-9_]{1,64}$/));
  // JSON numbers above 2^53 lose bits when parsed: int() refuses them rather than filter on a different value.
  const u64 = v.pipe(int(), v.minValue(0));
  const errno = v.optional(v.pipe(int(), v.minValue(0), v.maxValue(4095)));
  const filter = object({
    caps: v.optional(v.array(v.pipe(v.string(), v.regex(/^CAP_[A-Z_]+$/)))),
    arches: v.optional(v.array(v.pipe(v.string(), v.regex(/^[a-z0-9_]+$/)))),
    minKernel: v.optional(v.pipe(v.string(), v.regex(/^(\d+\.\d+)?$/))),
  });
  const rule = object({
    name: v.optional(syscallName),
    names: v.optional(v.pipe(v.array(syscallName), v.maxLength(1000))),
    action: v.picklist(ACTIONS),
    errnoRet: errno,
    args: v.nullish(v.pipe(v.array(object({
      index: v.pipe(int(), v.minValue(0), v.maxValue(5)),
      value: u64,
      valueTwo: v.optional(u64),
      op: v.picklist(OPS),
    })), v.maxLength(6))),
    includes: v.optional(filter),
    excludes: v.optional(filter),
  });
  schema = strictObject({
    defaultAction: v.picklist(ACTIONS),
    defaultErrnoRet: errno,
    architectures: v.optional(v.array(v.picklist(ARCHS))),
    archMap: v.optional(v.array(object({ architecture: v.picklist(ARCHS), subArchitectures: v.nullish(v.array(v.picklist(ARCHS))) }))),
    flags: v.optional(v.array(v.picklist(FLAGS))),
    syscalls: v.nullish(v.pipe(v.array(rule), v.maxLength(10000))),
  });
  return schema;
}

const KILLS = new Set(['SCMP_ACT_KILL', 'SCMP_ACT_KILL_PROCESS', 'SCMP_ACT_KILL_THREAD', 'SCMP_ACT_TRAP']);
/**
 * What runc's init (1.1) calls between installing the filter and exec'ing
 * the container's process. Killing it there makes `runc run` wait forever
 * instead of failing, so such profiles are refused; an errno is fine (runc
 * then reports the failure).
 */
const INIT_SYSCALLS = ['execve', 'execveat', 'capset', 'capget', 'prctl', 'setgroups', 'setresuid', 'setresgid', 'setuid', 'setgid',
  'chdir', 'close', 'openat', 'open', 'write', 'read', 'futex', 'getppid', 'getpid', 'fstat', 'newfstatat', 'statx', 'stat',
  'rt_sigprocmask', 'rt_sigaction', 'rt_sigreturn', 'sigaltstack', 'mmap', 'munmap', 'madvise', 'nanosleep', 'sched_yield',
  'epoll_pwait', 'epoll_ctl', 'fcntl', 'tgkill', 'gettid', 'clone', 'exit', 'exit_group'];

function killsInit(p: DockerProfile): string | undefined {
  const ruled = new Map<string, string>();
  for (const r of p.syscalls ?? []) {
    if (r.args?.length || r.includes?.caps?.length || r.includes?.arches?.length) continue;
    for (const n of r.names ?? (r.name ? [r.name] : [])) if (!ruled.has(n)) ruled.set(n, r.action);
  }
  return INIT_SYSCALLS.find((s) => KILLS.has(ruled.get(s) ?? p.defaultAction));
}

/** Validates a parsed profile; the message is one line naming the first bad field. */
export function checkProfile(data: unknown): DockerProfile {
  const p = check(profileSchema(), data);
  if (p.architectures?.length && p.archMap?.length) throw new Error('both "architectures" and "archMap" are given: use one');
  const both = (p.syscalls ?? []).findIndex((r) => r.name !== undefined && r.names !== undefined);
  if (both >= 0) throw new Error(`syscalls.${both}: both "name" and "names" are given: use one`);
  const killed = killsInit(p);
  if (killed) throw new Error(`it kills or traps ${killed}, which the runtime needs to start the container: use SCMP_ACT_ERRNO there`);
  return p;
}

function readSmallFile(path: string): string {
  // Non-blocking: a FIFO given as the profile would otherwise hang the open until someone writes.
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new Error('not a regular file');
    if (st.size > MAX_BYTES) throw new Error(`${st.size} bytes is more than a profile needs (at most ${MAX_BYTES})`);
    const buf = Buffer.alloc(st.size);
    let n = 0;
    while (n < st.size) {
      const got = readSync(fd, buf, n, st.size - n, n);
      if (got === 0) break;
      n += got;
    }
    return buf.subarray(0, n).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** Reads and checks a profile file; every failure is one UserError line naming the file (exit 125, as `run`'s own). */
export function readProfileFile(path: string): DockerProfile {
  let text: string;
  try {
    text = readSmallFile(path);
  } catch (err) {
    throw new UserError(`cannot read seccomp profile ${path}: ${err instanceof Error && !('code' in err) ? err.message : describeFsError(err)}`, 125);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new UserError(`invalid seccomp profile ${path}: not JSON (${err instanceof Error ? err.message : String(err)})`, 125);
  }
  try {
    return checkProfile(data);
  } catch (err) {
    throw new UserError(`invalid seccomp profile ${path}: ${err instanceof Error ? err.message : String(err)}`, 125);
  }
}
