import { existsSync, readFileSync, statSync } from 'node:fs';
import type { StatCache } from '../../common/stat-cache.ts';
import { rootlessUid, type StorePaths } from '../paths.ts';
import { isFrozen } from './cgroup.ts';
import { inCgroup, processAlive, rootIsContainer } from './proc.ts';
import type { ContainerRecord } from './record.ts';
import { containerFiles } from './store.ts';

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

/** An exit file's text and, when asked for, when it was written (the container's end). */
export interface ExitFile {
  text: string;
  mtimeMs?: number;
  /**
   * No restart was pending when it was read (no `restarting` file). It holds
   * for as long as this exit file does: the monitor makes `restarting` before
   * it writes an exit, and a new run removes the old exit before it begins.
   */
  settled?: boolean;
}

/** Reads the exit file; a listing passes one that answers from its cache. */
export type ExitReader = (path: string, withTime: boolean) => ExitFile | undefined;

export const readExitFile: ExitReader = (path, withTime) => {
  if (!existsSync(path)) return undefined; // cheaper than a thrown ENOENT, and the usual case while running
  try {
    const text = readFileSync(path, 'utf8');
    return withTime ? { text, mtimeMs: statSync(path).mtimeMs } : { text };
  } catch {
    return undefined; // removed meanwhile
  }
};

/**
 * An exit reader for a listing: the file's stat decides whether the cached
 * text still holds (an exit file is rewritten, not edited, at each end).
 * Only settled exits are kept, so a listing of ended containers stats one
 * file each, not two.
 */
export function cachedExitReader(cache: StatCache, containers: string): ExitReader {
  return (path) => cache.file(path.slice(containers.length + 1), () => {
    const got = readExitFile(path, true);
    return got && { ...got, settled: !existsSync(`${path.slice(0, path.lastIndexOf('/'))}/restarting`) };
  }, (v) => v?.settled === true);
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

/** The existsSync first: a thrown ENOENT costs more, and these files are usually absent. */
function readText(path: string): string | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

export function monitorAlive(paths: StorePaths, id: string): boolean {
  return liveMonitor(paths, id) !== undefined;
}

/** The pid of the container's monitor while that process lives (a foreground run's is its rocker). */
export function liveMonitor(paths: StorePaths, id: string): number | undefined {
  return liveMonitorAt(containerFiles(paths, id).monitor);
}

function liveMonitorAt(file: string): number | undefined {
  const [pid, start] = (readText(file) ?? '').trim().split(' ');
  return pid && start && processAlive(Number(pid), start) ? Number(pid) : undefined;
}

/** The exit the monitor recorded, if it has: the exited status, else undefined. */
function recordedExit(files: ReturnType<typeof containerFiles>, opts: StatusOptions, readExit: ExitReader): ContainerStatus | undefined {
  const got = readExit(files.exit, !!opts.finishedAt);
  const exit = got?.text;
  if (exit === undefined || !/^\d+\s*$/.test(exit)) return undefined;
  const finishedAt = opts.finishedAt && got?.mtimeMs !== undefined ? new Date(got.mtimeMs) : undefined;
  if (!got?.settled && existsSync(files.restarting) && liveMonitorAt(files.monitor) !== undefined) {
    return { state: 'restarting', exitCode: Number(exit), finishedAt, monitorAlive: true };
  }
  // Once the exit is recorded nothing else waits on the monitor; not looking saves `ps` a /proc read per container.
  return { state: 'exited', exitCode: Number(exit), finishedAt, startedAt: opts.startedAt ? mtime(files.pid) : undefined, monitorAlive: false };
}

/**
 * The real state, worked out from the files and the kernel rather than from
 * what was last written: an exit file means the monitor saw the end; a pid
 * whose process is still in the container's cgroup means running (this
 * survives pid reuse and reboots); a pid without that process means it
 * ended unrecorded (killed monitor, reboot).
 */
export function containerStatus(paths: StorePaths, rec: { id: string }, opts: StatusOptions = {}, readExit = readExitFile): ContainerStatus {
  const files = containerFiles(paths, rec.id);
  // In a store of many containers most have ended: read the exit file straight away.
  const recorded = recordedExit(files, opts, readExit);
  if (recorded) return recorded;
  const alive = monitorAlive(paths, rec.id);
  const pidText = readText(files.pid);
  if (pidText === undefined) return { state: 'created', monitorAlive: alive };
  const pid = Number(pidText.trim());
  const startedAt = opts.startedAt ? mtime(files.pid) : undefined;
  if (pid > 0 && isContainerProcess(pid, rec.id)) {
    const health = readText(`${files.dir}/health`)?.split(' ')[0];
    return { state: 'running', pid, startedAt, monitorAlive: alive, ...(isFrozen(cgroupLeaf(rec.id)) ? { paused: true } : {}), ...(health ? { health } : {}) };
  }
  // The process is gone. The monitor may have recorded its exit and ended since the first
  // read: read the file again, after the liveness check, or the code is lost ("unknown").
  return recordedExit(files, opts, readExitFile) ?? { state: 'exited', startedAt, monitorAlive: alive };
}
