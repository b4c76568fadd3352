// Flags checked against the host: --ulimit (never above our own hard limit),
// --device (a real device node), --init (an init binary installed here).
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { isAbsolute, normalize } from 'node:path';
import { describeFsError, UserError } from '../../common/errors.ts';
import type { RunOptions } from '../container-store/record.ts';

const bad = (msg: string) => new UserError(msg, 125);

/** Docker's --ulimit names, and the row of /proc/self/limits each is. */
const RLIMITS: Record<string, string> = {
  core: 'Max core file size', cpu: 'Max cpu time', data: 'Max data size', fsize: 'Max file size', locks: 'Max file locks',
  memlock: 'Max locked memory', msgqueue: 'Max msgqueue size', nice: 'Max nice priority', nofile: 'Max open files',
  nproc: 'Max processes', rss: 'Max resident set', rtprio: 'Max realtime priority', rttime: 'Max realtime timeout',
  sigpending: 'Max pending signals', stack: 'Max stack size', as: 'Max address space',
};
/** RLIM_INFINITY, which a JavaScript number cannot hold exactly: the spec writer spells it out (spec.ts). */
export const UNLIMITED = -1;

/** Our own hard limit for `row` (the container's can go no higher without CAP_SYS_RESOURCE). */
function hostHardLimit(row: string): number {
  const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith(row));
  const hard = line?.slice(row.length).trim().split(/\s+/)[1];
  return hard === undefined || hard === 'unlimited' ? UNLIMITED : Number(hard);
}

function limitValue(text: string, spec: string): number {
  if (text === 'unlimited' || text === '-1') return UNLIMITED;
  if (/^\d+$/.test(text) && Number(text) > Number.MAX_SAFE_INTEGER) throw bad(`invalid --ulimit "${spec}": "${text}" is too large (use unlimited)`);
  if (!/^\d+$/.test(text)) throw bad(`invalid --ulimit "${spec}": "${text}" is not a number`);
  return Number(text);
}

/** `--ulimit NAME=SOFT[:HARD]`. */
export function ulimit(spec: string): NonNullable<RunOptions['ulimits']>[number] {
  const m = /^([a-z]+)=([^:]+)(?::(.+))?$/.exec(spec);
  if (!m) throw bad(`invalid --ulimit "${spec}": expected NAME=SOFT[:HARD], such as nofile=1024:2048`);
  const [, name = '', softText = '', hardText] = m;
  const row = RLIMITS[name];
  if (!row) throw bad(`invalid --ulimit "${spec}": unknown limit "${name}" (${Object.keys(RLIMITS).join(', ')})`);
  const soft = limitValue(softText, spec);
  const hard = hardText === undefined ? soft : limitValue(hardText, spec);
  const above = (a: number, b: number) => b !== UNLIMITED && (a === UNLIMITED || a > b);
  if (above(soft, hard)) throw bad(`invalid --ulimit "${spec}": the soft limit is above the hard limit`);
  const max = hostHardLimit(row);
  if (above(hard, max)) {
    throw bad(`invalid --ulimit "${spec}": the hard limit is above this host's (${max}): raising it needs CAP_SYS_RESOURCE, which rocker does not have here`);
  }
  return { name, soft, hard };
}

function deviceNumbers(rdev: number): { major: number; minor: number } {
  // glibc's gnu_dev_major/minor: the kernel's split of a 64-bit dev_t.
  return { major: ((rdev >>> 8) & 0xfff) | (Math.floor(rdev / 2 ** 32) & ~0xfff), minor: (rdev & 0xff) | (Math.floor(rdev / 2 ** 12) & ~0xff) };
}

/** `--device HOST[:CONTAINER][:PERMISSIONS]`, Docker's syntax; permissions are some of r, w and m. */
export function device(spec: string): NonNullable<RunOptions['devices']>[number] {
  const parts = spec.split(':');
  if (parts.length > 3) throw bad(`invalid --device "${spec}": expected HOST[:CONTAINER][:PERMISSIONS]`);
  let [host = '', path = host, access = 'rwm'] = parts;
  if (parts.length === 2 && /^[rwm]+$/.test(parts[1]!)) [path, access] = [host, parts[1]!];
  if (!/^[rwm]{1,3}$/.test(access)) throw bad(`invalid --device "${spec}": permissions "${access}" are not some of r, w and m`);
  if (!isAbsolute(host) || !isAbsolute(path)) throw bad(`invalid --device "${spec}": device paths must be absolute`);
  let st;
  try {
    st = statSync(host);
  } catch (err) {
    throw bad(`invalid --device "${spec}": ${host}: ${describeFsError(err)}`);
  }
  if (!st.isCharacterDevice() && !st.isBlockDevice()) throw bad(`invalid --device "${spec}": ${host} is not a device`);
  return { path: normalize(path), type: st.isCharacterDevice() ? 'c' : 'b', ...deviceNumbers(st.rdev), fileMode: st.mode & 0o777, access };
}

/** Statically linked, so they run in any image; the first installed one is used. */
const INITS = ['/usr/bin/tini-static', '/usr/bin/catatonit', '/usr/libexec/podman/catatonit', '/usr/bin/tini'];

/** The host's init for --init: Debian's tini or catatonit. */
export function findInit(): string {
  for (const p of INITS) {
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // next
    }
  }
  throw bad("--init needs an init on the host: install one with 'apt-get install tini' (or catatonit)");
}
