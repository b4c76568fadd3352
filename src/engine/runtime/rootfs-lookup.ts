import { lstatSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../common/errors.ts';

/**
 * The host path of `path` inside `root`, following symlinks the way the
 * container will see them (an absolute link target starts again at `root`,
 * ".." stops at `root`), so nothing outside the container is looked at.
 * Undefined when a component does not exist.
 */
export function resolveInRoot(root: string, path: string): string | undefined {
  let rest = path.split('/').filter((p) => p !== '' && p !== '.');
  const done: string[] = [];
  let links = 0;
  while (rest.length > 0) {
    const part = rest.shift()!;
    if (part === '..') {
      done.pop();
      continue;
    }
    const host = join(root, ...done, part);
    let st;
    try {
      st = lstatSync(host);
    } catch {
      return undefined;
    }
    if (st.isSymbolicLink()) {
      if (++links > 40) return undefined;
      const target = readlinkSync(host);
      if (target.startsWith('/')) done.length = 0;
      rest = [...target.split('/').filter((p) => p !== '' && p !== '.'), ...rest];
      continue;
    }
    done.push(part);
  }
  return join(root, ...done);
}

function isExecutableFile(hostPath: string): 'ok' | 'missing' | 'denied' {
  try {
    const st = statSync(hostPath);
    return st.isFile() && (st.mode & 0o111) !== 0 ? 'ok' : 'denied';
  } catch {
    return 'missing';
  }
}

/**
 * Checks, before any runtime is started, that the container's command can
 * be executed, with Docker's exit codes: 127 when it is not there, 126 when
 * it is not an executable file. The runtime would find the same, later and
 * with its message mixed into the container's stderr.
 */
export function checkExecutable(root: string, command: string, env: string[], cwd: string): void {
  if (command.includes('/')) {
    const host = resolveInRoot(root, command.startsWith('/') ? command : join(cwd, command));
    const verdict = host ? isExecutableFile(host) : 'missing';
    if (verdict === 'missing') throw new UserError(`cannot run "${command}": no such file or directory in the container`, 127);
    if (verdict === 'denied') throw new UserError(`cannot run "${command}": permission denied (not an executable file)`, 126);
    return;
  }
  const pathVar = [...env].reverse().find((e) => e.startsWith('PATH='))?.slice(5) ?? DEFAULT_PATH;
  let denied = false;
  for (const dir of pathVar.split(':')) {
    if (!dir.startsWith('/')) continue;
    const host = resolveInRoot(root, join(dir, command));
    if (!host) continue;
    const verdict = isExecutableFile(host);
    if (verdict === 'ok') return;
    if (verdict === 'denied') denied = true;
  }
  if (denied) throw new UserError(`cannot run "${command}": permission denied (not an executable file)`, 126);
  throw new UserError(`cannot run "${command}": executable file not found in the container's $PATH`, 127);
}

export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface ResolvedUser {
  uid: number;
  gid: number;
  additionalGids: number[];
  home: string;
}

function readLines(root: string, file: string): string[][] {
  const host = resolveInRoot(root, file);
  if (!host) return [];
  try {
    return readFileSync(host, 'utf8').split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(':'));
  } catch {
    return [];
  }
}

/**
 * `USER[:GROUP]` (names or numbers) to ids, using the container's own
 * /etc/passwd and /etc/group as Docker does. A number needs no entry; a name
 * must have one.
 */
export function resolveUser(root: string, spec: string): ResolvedUser {
  const [userPart = '', groupPart] = spec.split(':', 2);
  const passwd = readLines(root, '/etc/passwd');
  const groups = readLines(root, '/etc/group');
  const u = userPart === '' ? '0' : userPart;
  const entry = /^\d+$/.test(u) ? passwd.find((p) => p[2] === u) : passwd.find((p) => p[0] === u);
  if (!entry && !/^\d+$/.test(u)) throw new UserError(`unable to find user ${u}: no matching entry in the container's /etc/passwd`);
  const uid = Number(entry?.[2] ?? u);
  let gid = Number(entry?.[3] ?? 0);
  if (groupPart !== undefined && groupPart !== '') {
    if (/^\d+$/.test(groupPart)) gid = Number(groupPart);
    else {
      const g = groups.find((x) => x[0] === groupPart);
      if (!g) throw new UserError(`unable to find group ${groupPart}: no matching entry in the container's /etc/group`);
      gid = Number(g[2]);
    }
  }
  const name = entry?.[0];
  const additionalGids = name
    ? groups.filter((g) => (g[3] ?? '').split(',').includes(name)).map((g) => Number(g[2])).filter((n) => n !== gid)
    : [];
  if (!Number.isSafeInteger(uid) || !Number.isSafeInteger(gid)) throw new UserError(`invalid user "${spec}"`);
  return { uid, gid, additionalGids, home: entry?.[5] || '/' };
}
