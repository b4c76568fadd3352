// Reading a container's cgroup files, on cgroup v1 (one hierarchy per
// controller, as on this hybrid host) or v2 (one unified tree): whichever the
// host has. The cgroup is /rocker-<id> in each (spec.ts).
import { existsSync, readFileSync } from 'node:fs';

const BASE = '/sys/fs/cgroup';
const isV2 = () => existsSync(`${BASE}/cgroup.controllers`);

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** The file of `controller` for the cgroup `leaf`: `v1` and `v2` name it in each version. */
function file(leaf: string, controller: string, v1: string, v2: string): string | undefined {
  return isV2() ? read(`${BASE}/${leaf}/${v2}`) : read(`${BASE}/${controller}/${leaf}/${v1}`);
}

/** Whether the freezer holds the cgroup (`rocker pause`). */
export function isFrozen(leaf: string): boolean {
  return isV2() ? read(`${BASE}/${leaf}/cgroup.freeze`) === '1' : read(`${BASE}/freezer/${leaf}/freezer.state`) === 'FROZEN';
}

/** The pids of every process in the cgroup. */
export function cgroupPids(leaf: string): number[] {
  return (file(leaf, 'pids', 'cgroup.procs', 'cgroup.procs') ?? '').split('\n').filter(Boolean).map(Number);
}

export interface CgroupSample {
  /** CPU time used, nanoseconds. */
  cpuNs: number;
  memory: number;
  /** Undefined when unlimited. */
  memoryLimit?: number;
  pids: number;
  /** Bytes read from and written to block devices. */
  blockRead: number;
  blockWrite: number;
}

/** v1 blkio's "MAJ:MIN Read|Write|... N" lines, summed over devices. */
export function parseBlkioV1(text: string): { read: number; write: number } {
  let read = 0;
  let write = 0;
  for (const m of text.matchAll(/^\S+ (Read|Write) (\d+)$/gm)) {
    if (m[1] === 'Read') read += Number(m[2]);
    else write += Number(m[2]);
  }
  return { read, write };
}

/** v2 io.stat's "MAJ:MIN rbytes=N wbytes=N ..." lines, summed over devices. */
export function parseIoStatV2(text: string): { read: number; write: number } {
  let read = 0;
  let write = 0;
  for (const m of text.matchAll(/\brbytes=(\d+)/g)) read += Number(m[1]);
  for (const m of text.matchAll(/\bwbytes=(\d+)/g)) write += Number(m[1]);
  return { read, write };
}

/** v1: Docker reads the CFQ/BFQ counters when the scheduler keeps them, else the throttle layer's. */
function blkioV1(leaf: string): { read: number; write: number } {
  for (const f of ['blkio.io_service_bytes_recursive', 'blkio.bfq.io_service_bytes_recursive', 'blkio.throttle.io_service_bytes_recursive']) {
    const io = parseBlkioV1(read(`${BASE}/blkio/${leaf}/${f}`) ?? '');
    if (io.read || io.write) return io;
  }
  return { read: 0, write: 0 };
}

const num = (text: string | undefined) => (text === undefined || text === 'max' ? undefined : Number(text));

/**
 * One reading of the cgroup's counters. Memory is Docker's figure: usage
 * less the inactive file cache, which the kernel can drop at will.
 */
export function sampleCgroup(leaf: string): CgroupSample {
  const stat = (text: string | undefined, key: string) => num(new RegExp(`^${key} (\\d+)$`, 'm').exec(text ?? '')?.[1]) ?? 0;
  if (isV2()) {
    const memStat = read(`${BASE}/${leaf}/memory.stat`);
    const io = parseIoStatV2(read(`${BASE}/${leaf}/io.stat`) ?? '');
    return {
      blockRead: io.read,
      blockWrite: io.write,
      cpuNs: stat(read(`${BASE}/${leaf}/cpu.stat`), 'usage_usec') * 1000,
      memory: Math.max(0, (num(read(`${BASE}/${leaf}/memory.current`)) ?? 0) - stat(memStat, 'inactive_file')),
      memoryLimit: num(read(`${BASE}/${leaf}/memory.max`)),
      pids: num(read(`${BASE}/${leaf}/pids.current`)) ?? 0,
    };
  }
  const limit = num(read(`${BASE}/memory/${leaf}/memory.limit_in_bytes`));
  const io = blkioV1(leaf);
  return {
    blockRead: io.read,
    blockWrite: io.write,
    cpuNs: num(read(`${BASE}/cpuacct/${leaf}/cpuacct.usage`)) ?? 0,
    memory: Math.max(0, (num(read(`${BASE}/memory/${leaf}/memory.usage_in_bytes`)) ?? 0) - stat(read(`${BASE}/memory/${leaf}/memory.stat`), 'total_inactive_file')),
    // v1 writes "no limit" as the largest page-aligned number.
    memoryLimit: limit === undefined || limit >= 2 ** 62 ? undefined : limit,
    pids: num(read(`${BASE}/pids/${leaf}/pids.current`)) ?? 0,
  };
}
