import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DirWaiter } from '../../common/dir-watch.ts';
import { oneLine, UserError } from '../../common/errors.ts';
import type { StorePaths } from '../paths.ts';
import { procStartTime } from '../container-store/proc.ts';
import type { ContainerRecord } from '../container-store/record.ts';
import { containerFiles } from '../container-store/store.ts';
import { runAttached } from './attach.ts';
import { flushRecord, type Created } from './create.ts';
import { removeFiles, waitForEnd } from './lifecycle.ts';
import { isBridgeNetwork } from '../network/paths.ts';
import { FIFOS, MONITOR } from './monitor.ts';
import { exitCodeForRuntimeError, globalArgs, runtimeError, tidyRuntimeError } from './oci-runtime.ts';

function runArgs(paths: StorePaths, rec: ContainerRecord): string[] {
  const f = containerFiles(paths, rec.id);
  return [...globalArgs(paths, f.runtimeLog), 'run', '--bundle', f.bundle, '--pid-file', f.pid, rec.id];
}

function recordMonitor(paths: StorePaths, id: string, pid: number): void {
  writeFileSync(containerFiles(paths, id).monitor, `${pid} ${procStartTime(pid) ?? 0}\n`);
}

/** The runtime's start failure as a UserError with Docker's code, if the process never ran. */
function startFailure(paths: StorePaths, rec: ContainerRecord): UserError | undefined {
  const f = containerFiles(paths, rec.id);
  const err = runtimeError(f.runtimeLog);
  if (!err || existsSync(f.pid)) return undefined;
  return new UserError(`cannot start container ${rec.name}: ${tidyRuntimeError(err)}`, exitCodeForRuntimeError(err));
}

/**
 * How a start treats the container: `run` removes a container whose process
 * never started (bad input leaves nothing behind); `start` keeps it, with
 * the failure recorded as its exit, as Docker does. `interactive` overrides
 * the -i the container was created with (`start -a` without `-i`).
 */
export interface StartMode {
  keepOnFailure: boolean;
  interactive?: boolean;
}
const FRESH: StartMode = { keepOnFailure: false };

/**
 * Runs the container attached: rocker itself waits for it, records its exit
 * code, and with --rm removes it. Returns the container's exit code.
 */
export async function runForeground(paths: StorePaths, c: Created, mode: StartMode = FRESH, echo = true): Promise<number> {
  const { rec, files, runtime } = c;
  recordMonitor(paths, rec.id, process.pid);
  if (rec.options.health) (await import('./health.ts')).startHealth(paths, rec, runtime, process.pid);
  const o = rec.options;
  const stdin = mode.interactive ?? o.interactive;
  const code = await runAttached(runtime, runArgs(paths, rec), { stdin, tty: o.tty, logFile: o.tty ? undefined : files.log, echo, onSpawned: () => flushRecord(c) });
  const failure = startFailure(paths, rec);
  writeFileSync(files.exit, `${failure ? failure.exitCode : code}\n`);
  if (o.health) (await import('./health.ts')).stopHealth(files.dir);
  // A failed release must not replace the container's exit code: the attachment stays, and rm or a later run retries it.
  if (isBridgeNetwork(o.network)) await (await import('../network/attach.ts')).releaseContainer(paths, rec.id).catch(() => undefined);
  const removing = (o.autoRemove && !existsSync(files.keep)) || (failure && !mode.keepOnFailure);
  if (removing && o.volumes.some((v) => v.anonymous)) (await import('./volumes.ts')).discardAnonymous(paths, o);
  if (removing) await removeFiles(paths, rec.id, runtime, rec.name);
  if (failure) throw failure;
  return code;
}

/** Starts the container in the background and returns once its process runs (or throws why it could not). */
export async function runDetached(paths: StorePaths, c: Created, mode: StartMode = FRESH): Promise<void> {
  const { rec, files, runtime } = c;
  const link = join(paths.containers, '.names', rec.name);
  let child: ReturnType<typeof Bun.spawn>;
  // The monitor's log copiers are awk: without one, runc would wait forever on a FIFO nobody reads.
  if (!Bun.which('awk')) {
    await removeFiles(paths, rec.id, runtime, rec.name);
    throw new UserError('a background container needs awk on the host for its logs: install mawk or gawk', 125);
  }
  // Made here through libc rather than by the monitor's fork of mkfifo, which lay between its start and the
  // runtime's (~1 ms); the monitor still makes whatever is missing or not a FIFO.
  try {
    const { makeFifo } = await import('../sys/libc.ts');
    for (const f of FIFOS) makeFifo(join(files.dir, f), 0o600);
  } catch {
    // no FFI here: the monitor's mkfifo makes them
  }
  try {
    const restart = rec.options.restart ?? { policy: 'no', maxRetries: 0 };
    const monitorArgs = [files.dir, rec.options.autoRemove ? '1' : '0', link, restart.policy, String(restart.maxRetries)];
    child = Bun.spawn(['/bin/sh', '-c', MONITOR, 'rocker-monitor', ...monitorArgs, runtime, ...runArgs(paths, rec)], {
      detached: true,
      stdio: ['ignore', 'ignore', 'ignore'],
      cwd: '/',
    });
  } catch (err) {
    await removeFiles(paths, rec.id, runtime, rec.name);
    throw new UserError(`cannot start the container monitor (/bin/sh): ${oneLine(err)}`, 125);
  }
  recordMonitor(paths, rec.id, child.pid);
  child.unref();
  flushRecord(c);
  if (rec.options.health) (await import('./health.ts')).startHealth(paths, rec, runtime, child.pid);
  // Started once the runtime has written the pid file; ended if the monitor wrote an exit status first.
  // Woken when either appears; checked at least every 10 ms (a monitor that died writes neither).
  const waiter = new DirWaiter(files.dir, ['pid', 'exit']);
  try {
    while (!existsSync(files.pid)) {
      if (existsSync(files.exit) || child.exitCode !== null) {
        await waitForEnd(paths, rec, 5_000);
        const failure = startFailure(paths, rec);
        if (failure) {
          if (!mode.keepOnFailure) await removeFiles(paths, rec.id, runtime, rec.name);
          throw failure;
        }
        return;
      }
      await waiter.wait(10);
    }
  } finally {
    waiter.close();
  }
}
