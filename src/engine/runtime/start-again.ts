import { rmSync, writeFileSync } from 'node:fs';
import { withLock } from '../../common/lock.ts';
import { UserError } from '../../common/errors.ts';
import { isBridgeNetwork } from '../network/paths.ts';
import type { StorePaths } from '../paths.ts';
import { procStartTime } from '../container-store/proc.ts';
import type { ContainerRecord } from '../container-store/record.ts';
import { containerStatus, monitorAlive } from '../container-store/status.ts';
import { containerFiles, containerLock, readRecord } from '../container-store/store.ts';
import { stopContainer } from './lifecycle.ts';
import { findRuntime, hasRuntimeState, runtimeCommand } from './oci-runtime.ts';
import { runDetached, runForeground } from './start.ts';

export interface StartRequest {
  /** Stay attached to the container's output and return its exit code (`start -a`). */
  attach: boolean;
  /** Connect our stdin too (`start -i`). */
  interactive: boolean;
}

/**
 * Forgets the previous run: its pid, exit code and runtime messages, and the
 * runtime's state if a killed rocker left it. The upper directory stays, so
 * the container runs again with its own changes, as Docker's `start` does.
 */
function clearLastRun(paths: StorePaths, rec: ContainerRecord, runtime: string): void {
  if (hasRuntimeState(paths, rec.id)) {
    const r = runtimeCommand(runtime, paths, ['delete', '--force', rec.id]);
    if (!r.ok && hasRuntimeState(paths, rec.id)) throw new UserError(`cannot start container ${rec.name}: the runtime still holds its last run: ${r.stderr}`);
  }
  const f = containerFiles(paths, rec.id);
  for (const p of [f.pid, f.exit, `${f.dir}/exit.tmp`, f.runtimeLog, f.keep, f.stopped, f.restarting, f.restarts]) rmSync(p, { force: true });
}

/**
 * Starts a created or ended container. Already running (or starting) is not
 * an error, as in Docker. The check and the claim (our pid as its monitor)
 * are made under the container's lock, so two starts cannot both run it.
 * Returns the exit code when attached, else undefined.
 */
export async function startContainer(paths: StorePaths, id: string, req: StartRequest): Promise<number | undefined> {
  // A monitor that has recorded the exit still decides on `keep` and releases the network (`stop`
  // then `start` at once): starting before it is gone would be a no-op, lose the new network to
  // that release, or see a --rm container removed under it. Its process is asked, not the status,
  // which stops looking at the monitor once the exit is recorded.
  for (const until = Date.now() + 30_000; ; await Bun.sleep(5)) {
    const s = containerStatus(paths, { id });
    if (s.state === 'running' || s.state === 'restarting' || !monitorAlive(paths, id)) break;
    if (Date.now() > until) throw new UserError(`cannot start container ${id.slice(0, 12)}: its previous run has not finished within 30 s`);
  }
  const claimed = await withLock(containerLock(paths, id), () => {
    const rec = readRecord(paths, id);
    const s = containerStatus(paths, rec);
    if (s.state === 'running' || s.monitorAlive) return undefined;
    if (rec.options.tty && !req.attach) throw new UserError(`container ${rec.name} was created with a terminal (-t): start it attached with 'rocker start -a${rec.options.interactive ? 'i' : ''} ${rec.name}'`);
    // Docker's check for -ai on a terminal container, as run -it makes it: the terminal's input must be one.
    if (rec.options.tty && req.attach && req.interactive && !process.stdin.isTTY) throw new UserError('the input device is not a TTY', 1);
    const runtime = findRuntime(rec.runtime);
    clearLastRun(paths, rec, runtime);
    // Until the real monitor records itself, this process stands for it: a second start sees the container starting.
    writeFileSync(containerFiles(paths, id).monitor, `${process.pid} ${procStartTime(process.pid) ?? 0}\n`);
    return { rec, runtime };
  });
  if (!claimed) return undefined;
  const { rec } = claimed;
  // A pod member needs its pod's namespaces: a stopped pod is started (its namespaces made again, same paths).
  if (rec.options.pod) await (await import('../pod-store/join.ts')).joinPod(paths, rec.options.pod);
  // Its network went when it ended (or goes now, if a killed monitor left it): attach it afresh,
  // same namespace path, a new address and ports.
  if (isBridgeNetwork(rec.options.network)) {
    const { attachContainer, releaseContainer } = await import('../network/attach.ts');
    await releaseContainer(paths, id);
    await attachContainer(paths, { id, name: rec.name, hostname: rec.hostname, options: rec.options, exposed: [] });
  }
  const created = { ...claimed, files: containerFiles(paths, id) };
  if (req.attach) return runForeground(paths, created, { keepOnFailure: true, interactive: req.interactive });
  await runDetached(paths, created, { keepOnFailure: true });
  return undefined;
}

/** Stops the container if it runs (SIGTERM, then SIGKILL after `timeoutSec`), then starts it in the background. */
export async function restartContainer(paths: StorePaths, rec: ContainerRecord, timeoutSec: number): Promise<void> {
  const s = containerStatus(paths, rec);
  if (s.state === 'running' || s.monitorAlive) {
    writeFileSync(containerFiles(paths, rec.id).keep, '');
    await stopContainer(paths, rec, timeoutSec);
  }
  await startContainer(paths, rec.id, { attach: false, interactive: false });
}

/**
 * Starts each container in the background, one after another; a start that
 * fails with a UserError is reported with its cause and the rest go on.
 */
export async function startEach(paths: StorePaths, containers: Array<{ id: string; name: string }>): Promise<Array<{ name: string; error?: string }>> {
  const out: Array<{ name: string; error?: string }> = [];
  for (const c of containers) {
    try {
      await startContainer(paths, c.id, { attach: false, interactive: false });
      out.push({ name: c.name });
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      out.push({ name: c.name, error: err.message });
    }
  }
  return out;
}
