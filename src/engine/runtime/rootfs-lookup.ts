import { lstatSync, readFileSync, readlinkSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { isWhiteout, lstatOr } from '../container-store/tree-copy.ts';
import { UserError } from '../../common/errors.ts';

/**
 * A container's root file system as seen from the host before it runs: the
 * overlay's layers, top first (the container's upper directory, then the
 * image's layers), merged as overlayfs will merge them. One directory (for
 * example /proc/PID/root of a running container) is a root of one layer.
 */
export interface Root {
  layers: string[];
  /** Whether a directory in a layer is opaque (hides the layers below). */
  isOpaque: (dir: string) => boolean;
}

export function singleRoot(dir: string): Root {
  return { layers: [dir], isOpaque: () => false };
}

export const splitPath = (p: string) => p.split('/').filter((c) => c !== '' && c !== '.');

/**
 * The host path of `path` inside `root`, following symlinks the way the
 * container will see them (an absolute link target starts again at the
 * root, ".." stops at it), so nothing outside the container is looked at.
 * Across layers, a whiteout hides what is below it and an opaque or
 * non-directory entry stops a directory from merging with lower layers.
 * Undefined when a component does not exist.
 */
export function resolveInRoot(root: Root, path: string): string | undefined {
  return resolveParts(root, path)?.host;
}

/**
 * `path` with every symbolic link resolved the way the container sees it
 * (never leaving the root): the container path it names, or undefined when
 * a component does not exist.
 */
export function canonicalInRoot(root: Root, path: string): string | undefined {
  const r = resolveParts(root, path);
  return r && `/${r.parts.join('/')}`;
}

function resolveParts(root: Root, path: string): { host: string; parts: string[] } | undefined {
  const { layers } = root;
  const top = layers.length - 1;
  let rest = splitPath(path);
  let done: string[] = [];
  let bound = top; // the lowest layer that still shows through at `done`
  let host = layers[0]!;
  let links = 0;
  while (rest.length > 0) {
    const part = rest.shift()!;
    if (part === '..') {
      // Start again from the root so that `bound` is worked out afresh.
      rest = [...done.slice(0, -1), ...rest];
      done = [];
      bound = top;
      host = layers[0]!;
      continue;
    }
    let index = -1;
    let st: Stats | undefined;
    for (let i = 0; i <= bound; i++) {
      st = lstatOr(join(layers[i]!, ...done, part));
      if (st) {
        index = i;
        break;
      }
    }
    if (!st || isWhiteout(st)) return undefined;
    host = join(layers[index]!, ...done, part);
    if (st.isSymbolicLink()) {
      if (++links > 40) return undefined;
      const target = readlinkSync(host);
      rest = target.startsWith('/') ? [...splitPath(target), ...rest] : [...done, ...splitPath(target), ...rest];
      done = [];
      bound = top;
      host = layers[0]!;
      continue;
    }
    let lowest = index;
    if (st.isDirectory() && !(top > 0 && root.isOpaque(host))) {
      lowest = bound;
      for (let j = index + 1; j <= bound; j++) {
        const below = join(layers[j]!, ...done, part);
        const b = lstatOr(below);
        if (!b) continue;
        if (!b.isDirectory()) {
          lowest = j - 1;
          break;
        }
        if (root.isOpaque(below)) {
          lowest = j;
          break;
        }
      }
    }
    bound = lowest;
    done.push(part);
  }
  return { host, parts: done };
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
export function checkExecutable(root: Root, command: string, env: string[], cwd: string): void {
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

function readLines(root: Root, file: string): string[][] {
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
export function resolveUser(root: Root, spec: string): ResolvedUser {
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
