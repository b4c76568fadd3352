import { existsSync, statSync } from 'node:fs';
import { readTextOr } from '../../common/dir.ts';
import { rootlessUid, type StorePaths } from '../paths.ts';
import { isFrozen } from './cgroup.ts';
import { inCgroup, processAlive, rootIsContainer } from './proc.ts';
import type { ContainerRecord } from './record.ts';
import { EXIT_CODE, readExitFile, type ExitFile } from './exit-file.ts';
import { containerDir, containerFiles } from './store.ts';

/** `restarting`: ended, and its monitor waits to run it again under its restart policy. */
export type ContainerState = 'created' | 'running' | 'exited' | 'restarting';

export interface ContainerStatus {
  state: ContainerState;
  /** The container's init process as the host sees it, while running. */
  pid?: number;
  /** Undefined when the container ended without anyone recording its code (its monitor was killed too). */
  exitCode?: number;
  finishedAt?: Date;
  /** When the current or last run started (the runtime wrote the pid file), with `times`. */
  startedAt?: Date;
  /** The health check's verdict while running: starting, healthy or unhealthy (containers with a check only). */
  health?: string;
  /** Frozen by `rocker pause` (the state stays running, as Docker's State.Running does). */
  paused?: boolean;
  /** Whether the process that waits for the container (and cleans up after it) is still there; false once the exit is recorded. */
  monitorAlive: boolean;
}

/** Times cost a stat each: asked for only by the listings that show them. */
export interface StatusOptions {
  finishedAt?: boolean;
  startedAt?: boolean;
}

function mtime(path: string): Date | undefined {
  try {
    return statSync(path).mtime;
  } catch {
    return undefined;
  }
}

/** The cgroup (and runtime container id) of a container: one flat name, so removal leaves no parent directories behind. */
export function cgroupLeaf(id: string): string {
  return `rocker-${id}`;
}

/**
 * Whether `pid` is the container's process (pids are reused): in the
 * container's cgroup, or for a rootless container, which has no cgroup of
 * its own, a process whose "/" is the container's overlay.
 */
function isContainerProcess(pid: number, id: string): boolean {
  return rootlessUid() === undefined ? inCgroup(pid, cgroupLeaf(id)) : rootIsContainer(pid, id);
}

export function monitorAlive(paths: StorePaths, id: string): boolean {
  return liveMonitor(paths, id) !== undefined;
}

/** The pid of the container's monitor while that process lives (a foreground run's is its rocker). */
export function liveMonitor(paths: StorePaths, id: string): number | undefined {
  return liveMonitorAt(containerFiles(paths, id).monitor);
}

function liveMonitorAt(file: string): number | undefined {
  const [pid, start] = (readTextOr(file) ?? '').trim().split(' ');
  return pid && start && processAlive(Number(pid), start) ? Number(pid) : undefined;
}

/**
 * The exit the monitor recorded, if it has: the exited status, else
 * undefined. `settled`: a listing's cached exit (exit-file.ts), which no
 * restart is waiting on.
 */
function recordedExit(dir: string, opts: StatusOptions, got: ExitFile | undefined, settled: boolean): ContainerStatus | undefined {
  const exit = got?.text;
  if (exit === undefined || !EXIT_CODE.test(exit)) return undefined;
  const finishedAt = opts.finishedAt && got?.mtimeMs !== undefined ? new Date(got.mtimeMs) : undefined;
  if (!settled && existsSync(`${dir}/restarting`) && liveMonitorAt(`${dir}/monitor`) !== undefined) {
    return { state: 'restarting', exitCode: Number(exit), finishedAt, monitorAlive: true };
  }
  // Once the exit is recorded nothing else waits on the monitor; not looking saves `ps` a /proc read per container.
  return { state: 'exited', exitCode: Number(exit), finishedAt, startedAt: opts.startedAt ? mtime(`${dir}/pid`) : undefined, monitorAlive: false };
}

/**
 * The real state, worked out from the files and the kernel rather than from
 * what was last written: an exit file means the monitor saw the end; a pid
 * whose process is still in the container's cgroup means running (this
 * survives pid reuse and reboots); a pid without that process means it
 * ended unrecorded (killed monitor, reboot).
 */
export function containerStatus(paths: StorePaths, rec: { id: string }, opts: StatusOptions = {}, settled?: ExitFile): ContainerStatus {
  const dir = containerDir(paths, rec.id);
  // In a store of many containers most have ended: read the exit file straight away (a listing knows it already).
  const recorded = recordedExit(dir, opts, settled ?? readExitFile(`${dir}/exit`, !!opts.finishedAt), settled !== undefined);
  if (recorded) return recorded;
  const files = containerFiles(paths, rec.id);
  const alive = monitorAlive(paths, rec.id);
  const pidText = readTextOr(files.pid);
  if (pidText === undefined) return { state: 'created', monitorAlive: alive };
  const pid = Number(pidText.trim());
  const startedAt = opts.startedAt ? mtime(files.pid) : undefined;
  if (pid > 0 && isContainerProcess(pid, rec.id)) {
    const health = readTextOr(`${files.dir}/health`)?.split(' ')[0];
    return { state: 'running', pid, startedAt, monitorAlive: alive, ...(isFrozen(cgroupLeaf(rec.id)) ? { paused: true } : {}), ...(health ? { health } : {}) };
  }
  // The process is gone. The monitor may have recorded its exit and ended since the first
  // read: read the file again, after the liveness check, or the code is lost ("unknown").
  return recordedExit(dir, opts, readExitFile(files.exit, !!opts.finishedAt), false) ?? { state: 'exited', startedAt, monitorAlive: alive };
}
