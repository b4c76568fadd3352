import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../common/errors.ts';
import { rootlessUid, type StorePaths } from '../paths.ts';

const INSTALL_HINT = "install it with 'apt-get install runc' (Debian/Ubuntu) or 'dnf install runc', or choose another OCI runtime with --runtime PATH or ROCKER_RUNTIME";

/**
 * The OCI runtime binary (runc by default): found once per command, with
 * a clear message when it is not installed.
 */
export function findRuntime(name: string): string {
  const candidates = name.includes('/')
    ? [name]
    : [...(process.env.PATH ?? '').split(':'), '/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin']
        .filter((d) => d.startsWith('/'))
        .map((d) => join(d, name));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      // next
    }
  }
  throw new UserError(`OCI runtime "${name}" not found: ${INSTALL_HINT}`, 125);
}

/** The runtime's state directory: under the run root, so it goes away at reboot like the processes it describes. */
export function runtimeStateDir(paths: StorePaths): string {
  return join(paths.runRoot, 'runtime');
}

/** Arguments before the runtime's subcommand: state directory, and its own messages kept out of the container's output. */
export function globalArgs(paths: StorePaths, logFile?: string): string[] {
  const args = ['--root', runtimeStateDir(paths)];
  // In the user's namespace runc can create no cgroup: --rootless makes it go on without one.
  if (rootlessUid() !== undefined) args.push('--rootless', 'true');
  if (logFile) args.push('--log', logFile, '--log-format', 'json');
  return args;
}

/** The last error the runtime wrote to its JSON log, if any. */
export function runtimeError(logFile: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(logFile, 'utf8');
  } catch {
    return undefined;
  }
  let msg: string | undefined;
  for (const line of text.split('\n')) {
    try {
      const entry = JSON.parse(line) as { level?: string; msg?: string };
      if (entry.level === 'error' || entry.level === 'fatal') msg = entry.msg;
    } catch {
      // not JSON: a runtime that ignores --log-format
    }
  }
  return msg;
}

/** Docker's codes for a process that could not be started: 127 not found, 126 not executable, 125 anything else. */
export function exitCodeForRuntimeError(msg: string): number {
  if (/exec: .*(executable file not found|no such file or directory)/.test(msg)) return 127;
  if (/exec: .*(permission denied|exec format error|is a directory)/.test(msg)) return 126;
  return 125;
}

/** "runc run failed: unable to start container process: exec: ..." without the runtime's prefixes. */
export function tidyRuntimeError(msg: string): string {
  return msg.replace(/^\S+ (run|exec|create|start) failed: /, '').replace(/^unable to start container process: /, '');
}

/** Runs a short runtime command (kill, delete, state); returns whether it succeeded. */
export function runtimeCommand(binary: string, paths: StorePaths, args: string[]): { ok: boolean; stderr: string } {
  const r = Bun.spawnSync([binary, ...globalArgs(paths), ...args], { stdin: 'ignore', stdout: 'ignore', stderr: 'pipe' });
  return { ok: r.exitCode === 0, stderr: r.stderr.toString().trim() };
}

/** Whether the runtime still has state for `cid` (a container not yet deleted from the runtime's view). */
export function hasRuntimeState(paths: StorePaths, cid: string): boolean {
  return existsSync(join(runtimeStateDir(paths), cid));
}
