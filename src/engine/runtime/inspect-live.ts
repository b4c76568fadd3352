import { UserError } from '../../common/errors.ts';
import { cgroupPids, sampleCgroup } from '../container-store/cgroup.ts';
import { netDevTotals } from '../container-store/proc.ts';
import type { ContainerRecord } from '../container-store/record.ts';
import { cgroupLeaf, containerStatus } from '../container-store/status.ts';
import type { StorePaths } from '../paths.ts';

/**
 * `top`: the host's `ps` with `psArgs` (Docker's default -ef), keeping the
 * header and the rows whose PID is in the container's cgroup, as Docker does.
 */
export function topContainer(paths: StorePaths, rec: ContainerRecord, psArgs: string[]): { header: string; rows: string[] } {
  if (containerStatus(paths, rec).state !== 'running') throw new UserError(`container ${rec.name} is not running`);
  const pids = new Set(cgroupPids(cgroupLeaf(rec.id)));
  const r = Bun.spawnSync(['ps', ...(psArgs.length ? psArgs : ['-ef'])], { stdin: 'ignore', stdout: 'pipe', stderr: 'pipe' });
  if (r.exitCode !== 0) throw new UserError(`ps ${psArgs.join(' ')} failed: ${r.stderr.toString().trim().split('\n')[0]}`);
  const [header = '', ...lines] = r.stdout.toString().split('\n').filter(Boolean);
  const column = header.trim().split(/\s+/).indexOf('PID');
  if (column < 0) throw new UserError(`ps ${psArgs.join(' ')} has no PID column to match the container's processes by`);
  return { header, rows: lines.filter((l) => pids.has(Number(l.trim().split(/\s+/)[column]))) };
}

export interface StatsRow {
  id: string;
  name: string;
  /** Percent of one CPU over the sampling interval (Docker's: 200% is two CPUs busy). */
  cpuPercent: number;
  memory: number;
  memoryLimit: number;
  pids: number;
  /** Bytes received and sent on the container's interfaces (0 with --network host or none). */
  netRx: number;
  netTx: number;
  blockRead: number;
  blockWrite: number;
}

/**
 * `stats --no-stream`: two readings of each container's cgroup `intervalMs`
 * apart give its CPU share; memory and pids come from the second. Memory
 * without a limit is shown against the host's memory, as Docker does.
 */
export async function statsOnce(paths: StorePaths, recs: ContainerRecord[], intervalMs: number, hostMemory: number): Promise<StatsRow[]> {
  const running = recs.filter((r) => containerStatus(paths, r).state === 'running');
  const first = running.map((r) => sampleCgroup(cgroupLeaf(r.id)));
  const t0 = performance.now();
  await new Promise((res) => setTimeout(res, intervalMs));
  const elapsedNs = (performance.now() - t0) * 1e6;
  return running.map((r, i) => {
    const now = sampleCgroup(cgroupLeaf(r.id));
    const pid = containerStatus(paths, r).pid;
    // The host's network is not the container's own: Docker shows nothing for it either.
    const net = pid && r.options.network !== 'host' ? netDevTotals(pid) : { rx: 0, tx: 0 };
    return {
      id: r.id,
      name: r.name,
      cpuPercent: Math.max(0, ((now.cpuNs - first[i]!.cpuNs) / elapsedNs) * 100),
      memory: now.memory,
      memoryLimit: now.memoryLimit ?? hostMemory,
      pids: now.pids,
      netRx: net.rx,
      netTx: net.tx,
      blockRead: now.blockRead,
      blockWrite: now.blockWrite,
    };
  });
}
