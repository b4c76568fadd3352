import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { DirWaiter } from '../../common/dir-watch.ts';
import { UserError } from '../../common/errors.ts';
import { killProcessesWith } from '../../common/process.ts';
import type { StorePaths } from '../paths.ts';
import type { ContainerSummary } from '../container-store/record.ts';
import { containerStatus, liveMonitor, type ContainerStatus } from '../container-store/status.ts';
import { containerFiles, findSummary, idOfName, matchingIds, namesOf, readName, readRecord, releaseName, scanContainers } from '../container-store/store.ts';
import { treeSize } from '../image-store/disk-usage.ts';
import { attachmentFile } from '../network/paths.ts';
import { findRuntime, hasRuntimeState, runtimeCommand } from './oci-runtime.ts';
import { thawIfPaused } from './pause.ts';

/** Ended for good: exited, and whoever waited on it has recorded that (or is gone). */
function ended(s: ContainerStatus): boolean {
  return s.state === 'restarting' || (s.state === 'exited' && (s.exitCode !== undefined || !s.monitorAlive)) || (s.state === 'created' && !s.monitorAlive);
}

/**
 * Waits until the container has ended; undefined when `timeoutMs` passes
 * first. Woken when the monitor writes the exit file; otherwise (no
 * monitor, one that died) the checks come 1, 2, 3... ms apart, at most 100
 * (a check costs ~0.1 ms).
 */
export async function waitForEnd(paths: StorePaths, rec: ContainerSummary, timeoutMs = Infinity): Promise<ContainerStatus | undefined> {
  const deadline = Date.now() + timeoutMs;
  const waiter = new DirWaiter(containerFiles(paths, rec.id).dir, ['exit']);
  try {
    for (let delay = 1; ; delay = Math.min(delay + 1, 100)) {
      const s = containerStatus(paths, rec);
      if (ended(s)) return s;
      if (Date.now() >= deadline) return undefined;
      await waiter.wait(Math.min(delay, Math.max(1, deadline - Date.now())));
    }
  } finally {
    waiter.close();
  }
}

/**
 * An explicit stop: marks the container so its monitor does not start it
 * again, and ends a monitor that is waiting out a restart back-off (it holds
 * no container process then). Docker's rule: a policy never undoes a stop.
 */
export function holdRestarts(paths: StorePaths, rec: ContainerSummary): void {
  const files = containerFiles(paths, rec.id);
  if (!existsSync(files.dir)) return;
  writeFileSync(files.stopped, '');
  if (containerStatus(paths, rec).state !== 'restarting') return;
  const monitor = liveMonitor(paths, rec.id);
  if (monitor !== undefined) process.kill(monitor, 'SIGKILL');
  rmSync(files.restarting, { force: true });
}

/**
 * Sends `signal` to the container's init process. Directly, as the runtime's
 * `kill` would: the cgroup check in containerStatus has just proved the pid
 * is the container's, and this costs no process.
 */
export function signalContainer(paths: StorePaths, rec: ContainerSummary, signal: NodeJS.Signals | number): boolean {
  const s = containerStatus(paths, rec);
  if (s.state !== 'running' || !s.pid) return false;
  try {
    process.kill(s.pid, signal);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}

/**
 * SIGKILL until the container has ended: again on every check, because a
 * container that is still starting gets its process only later.
 */
async function killUntilEnded(paths: StorePaths, rec: ContainerSummary, timeoutMs: number): Promise<ContainerStatus | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    signalContainer(paths, rec, 'SIGKILL');
    const s = await waitForEnd(paths, rec, Math.min(200, Math.max(0, deadline - Date.now())));
    if (s || Date.now() >= deadline) return s;
  }
}

/**
 * SIGTERM, then SIGKILL after `timeoutSec`; returns once the container has
 * ended. A PID 1 that ignores SIGTERM (sleep) is thus still stopped.
 */
export async function stopContainer(paths: StorePaths, rec: ContainerSummary, timeoutSec: number): Promise<ContainerStatus> {
  holdRestarts(paths, rec);
  thawIfPaused(paths, rec);
  if (signalContainer(paths, rec, 'SIGTERM')) {
    const s = await waitForEnd(paths, rec, timeoutSec * 1000);
    if (s) return s;
  }
  const s = await killUntilEnded(paths, rec, 30_000);
  if (!s) throw new UserError(`container ${rec.name} did not stop within 30 s of SIGKILL`);
  return s;
}

/**
 * Removes everything a container has: process (with `force`), runtime
 * state and cgroups, files, name. Safe to repeat, and it cleans up
 * after a rocker that was killed half way.
 */
export async function removeContainer(paths: StorePaths, rec: ContainerSummary, force: boolean, runtimeName: string): Promise<void> {
  const s = containerStatus(paths, rec);
  if (s.state === 'running' || s.state === 'restarting' || ((s.state === 'created' || s.exitCode === undefined) && s.monitorAlive)) {
    if (!force) throw new UserError(`container ${rec.name} is ${s.state === 'created' || s.state === 'exited' ? 'starting' : s.state}: stop it first, or use 'rocker rm -f'`);
    holdRestarts(paths, rec);
    // If it still has not ended, the runtime's forced delete below kills what is left.
    thawIfPaused(paths, rec);
    await killUntilEnded(paths, rec, 30_000);
  }
  await removeFiles(paths, rec.id, runtimeName, rec.name);
}

/**
 * `rocker rm`: removes the container `text` names. A directory without a
 * readable record (rocker killed mid-create, a damaged file) is named by its
 * id and removed only with `force`.
 */
export async function removeNamed(paths: StorePaths, text: string, force: boolean, runtimeName: string): Promise<void> {
  let rec: ContainerSummary | undefined;
  try {
    rec = findSummary(paths, text);
  } catch (err) {
    if (!force) throw err;
  }
  if (rec) return removeContainer(paths, rec, force, runtimeName);
  const named = idOfName(paths, text);
  const ids = named ? [named] : matchingIds(paths, text);
  if (ids.length !== 1) throw new UserError(`no such container: ${text}`);
  if (!force) throw new UserError(`container ${text} has no valid record: remove it with 'rocker rm -f ${text}'`);
  await removeFiles(paths, ids[0]!, runtimeName);
}

/** The cleanup part of removeContainer, usable on a directory whose record is damaged. */
export async function removeFiles(paths: StorePaths, id: string, runtimeName: string, name?: string): Promise<void> {
  const files = containerFiles(paths, id);
  // A runtime that a killed rocker had just started may still be setting the container up (no pid
  // file yet, nobody waiting on it): found by the pid file it was told to write, killed before its
  // files go. Only without a recorded exit, so the normal end of `run --rm` pays no /proc scan.
  if (!existsSync(files.exit) && existsSync(files.dir)) killProcessesWith('cmdline', `--pid-file\0${files.pid}\0`);
  if (hasRuntimeState(paths, id)) {
    // A runtime that never saw its container end (rocker killed): its delete removes the state and the cgroups.
    const r = runtimeCommand(findRuntime(runtimeName), paths, ['delete', '--force', id]);
    if (!r.ok && hasRuntimeState(paths, id)) throw new UserError(`cannot remove container ${id.slice(0, 12)}: the runtime refused to delete it: ${r.stderr}`);
  }
  // Its network (address, ports, veth, namespace) first: a failure keeps the container to retry with.
  if (existsSync(attachmentFile(paths, id))) await (await import('../network/attach.ts')).releaseContainer(paths, id);
  // The name the record holds now: a rename may have happened since the caller read it.
  const current = currentName(paths, id);
  if (current && current !== name) releaseName(paths, current, id);
  // A damaged record names nobody: its claims are found by their target.
  if (!current && !name) for (const n of namesOf(paths, id)) releaseName(paths, n, id);
  if (existsSync(`${files.dir}/health.pid`)) (await import('./health.ts')).stopHealth(files.dir);
  await monitorDone(paths, id);
  // Twice at most: a writer that was still finishing can leave an entry the first walk missed.
  for (let i = 0; i < 2 && existsSync(files.dir); i++) rmSync(files.dir, { recursive: true, force: true });
  if (name) releaseName(paths, name, id);
}

/**
 * Waits (5 s at most) for the container's monitor to end. It tells the
 * exit first, then still works in the directory (the network release, the
 * health check's end, a --rm removal): removing the directory under it left
 * half of it behind. A foreground run is its own monitor.
 */
async function monitorDone(paths: StorePaths, id: string): Promise<void> {
  for (let waited = 0, delay = 1; waited < 5_000; waited += delay, delay = Math.min(delay * 2, 50)) {
    const pid = liveMonitor(paths, id);
    if (pid === undefined || pid === process.pid) return;
    await new Promise((r) => setTimeout(r, delay));
  }
}

function currentName(paths: StorePaths, id: string): string | undefined {
  try {
    return readName(paths, id);
  } catch {
    return undefined;
  }
}

/**
 * `container prune`: removes every container that is not running or
 * starting; returns their ids and the bytes their directories held. One
 * started meanwhile is skipped, not killed.
 */
export async function pruneContainers(paths: StorePaths, runtimeName: string): Promise<{ ids: string[]; reclaimed: number }> {
  const ids: string[] = [];
  let reclaimed = 0;
  for (const summary of scanContainers(paths).containers) {
    const s = containerStatus(paths, summary);
    if (s.state === 'restarting' || !ended(s)) continue;
    const size = treeSize(containerFiles(paths, summary.id).dir);
    try {
      await removeContainer(paths, readRecord(paths, summary.id), false, runtimeName);
    } catch (err) {
      if (err instanceof UserError) continue;
      throw err;
    }
    ids.push(summary.id);
    reclaimed += size;
  }
  return { ids, reclaimed };
}
