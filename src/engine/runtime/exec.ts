import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../../common/errors.ts';
import type { StorePaths } from '../paths.ts';
import type { ContainerRecord } from '../container-store/record.ts';
import { containerStatus } from '../container-store/status.ts';
import { runAttached } from './attach.ts';
import { exitCodeForRuntimeError, findRuntime, globalArgs, runtimeError, tidyRuntimeError } from './oci-runtime.ts';
import { mergeEnv } from './process-config.ts';
import { checkExecutable, resolveInRoot, resolveUser, singleRoot } from './rootfs-lookup.ts';

export interface ExecRequest {
  command: string[];
  interactive: boolean;
  tty: boolean;
  env: string[];
  user?: string;
  workdir?: string;
  /** Start the process and return at once (`exec -d`); its output is discarded, as Docker does. */
  detach?: boolean;
}

/**
 * Runs another process in a running container (the runtime's `exec`: the
 * container's namespaces, cgroup, capabilities). Returns its exit code.
 */
export async function execInContainer(paths: StorePaths, rec: ContainerRecord, runtimeName: string, req: ExecRequest): Promise<number> {
  const runtime = findRuntime(runtimeName);
  const status = containerStatus(paths, rec);
  if (status.state !== 'running' || !status.pid) throw new UserError(`container ${rec.name} is not running`, 125);
  if (status.paused) throw new UserError(`container ${rec.name} is paused: unpause it before exec`, 125);
  if (req.command.length === 0) throw new UserError('exec needs a command to run in the container', 125);
  // The running container's own view of its files, through its init process.
  const rootfs = singleRoot(`/proc/${status.pid}/root`);
  const user = req.user !== undefined ? resolveUser(rootfs, req.user) : undefined;
  const cwd = req.workdir ?? rec.process.cwd;
  if (!cwd.startsWith('/')) throw new UserError(`invalid working directory "${cwd}": it must be an absolute path`, 125);
  // Checked here, in the container's own view: the runtime's failure would come as two lines of its own text.
  const dir = resolveInRoot(rootfs, cwd);
  if (!dir || !statSync(dir).isDirectory()) throw new UserError(`cannot exec in container ${rec.name}: working directory ${cwd} ${dir ? 'is not a directory' : 'does not exist'}`, 125);
  const env = mergeEnv(rec.process.env, req.tty ? ['TERM=xterm'] : [], req.env);
  checkExecutable(rootfs, req.command[0]!, env, cwd);
  const tmp = mkdtempSync(join(tmpdir(), 'rocker-exec-'));
  const log = join(tmp, 'runtime.log');
  try {
    const args = [...globalArgs(paths, log), 'exec', '--cwd', cwd];
    if (req.detach) {
      if (req.tty || req.interactive) throw new UserError('exec -d cannot be combined with -t or -i', 125);
      args.push('--detach');
    } else if (req.tty) args.push('--tty');
    if (user) args.push('--user', `${user.uid}:${user.gid}`, ...user.additionalGids.flatMap((g) => ['--additional-gids', String(g)]));
    for (const e of env) args.push('--env', e);
    args.push(rec.id, ...req.command);
    // Detached, the process keeps runc's stdio: /dev/null, or it would hold our pipes open.
    const code = req.detach
      ? Bun.spawnSync([runtime, ...args], { stdio: ['ignore', 'ignore', 'ignore'] }).exitCode
      : await runAttached(runtime, args, { stdin: req.interactive, tty: req.tty });
    const err = runtimeError(log);
    if (err && code !== 0 && /exec failed|unable to start|container not running|does not exist/.test(err)) {
      throw new UserError(`cannot exec in container ${rec.name}: ${tidyRuntimeError(err)}`, exitCodeForRuntimeError(err));
    }
    return code;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
