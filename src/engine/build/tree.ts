import { lstatSync, readdirSync, readlinkSync, type Stats } from 'node:fs';
import { join, posix } from 'node:path';
import { UserError } from '../../common/errors.ts';
import { isWhiteout, lstatOr, splitPath, type Root } from './engine-adapter.ts';

export { splitPath };


export interface Entry {
  /** The file on the host (in the layer that shows it). */
  host: string;
  st: Stats;
}

/**
 * A file tree read from the host without mounting: a directory (the build
 * context) or the layers of a stage merged as overlayfs merges them
 * (whiteouts hide, opaque directories stop the merge). Paths are relative
 * to the tree's root. In the context, a symlink leading out of the root
 * is refused; in a stage, it resolves inside the stage's root as it would in
 * a container.
 */
export class Tree {
  constructor(
    private readonly root: Root,
    /** Names the tree in errors ("the build context"); set for a context, where escaping links are refused. */
    private readonly context?: { what: string; ignored: (rel: string) => boolean; mayHideChildren: boolean },
  ) {}

  /** The entry at `rel` (no symlink in its parents), not following a final symlink. */
  entry(rel: string): Entry | undefined {
    const parts = splitPath(rel);
    if (parts.length === 0) {
      const host = this.root.layers[0];
      return host === undefined ? undefined : { host, st: lstatSync(host) };
    }
    if (this.root.layers.length === 1) {
      // One layer (a context): nothing to merge, and the parents hold no symlink (the contract), so one lstat.
      const host = join(this.root.layers[0]!, ...parts);
      const st = lstatOr(host);
      return st && !isWhiteout(st) ? { host, st } : undefined;
    }
    for (const layer of this.root.layers) {
      let stopBelow = false;
      for (let k = 1; k <= parts.length; k++) {
        const p = join(layer, ...parts.slice(0, k));
        const st = lstatOr(p);
        if (!st) break;
        if (isWhiteout(st)) return undefined;
        if (k === parts.length) return { host: p, st };
        if (!st.isDirectory()) return undefined;
        if (this.root.layers.length > 1 && this.root.isOpaque(p)) stopBelow = true;
      }
      if (stopBelow) return undefined;
    }
    return undefined;
  }

  /** Names in the directory `rel` across the layers, whiteouts applied. */
  readdir(rel: string): string[] {
    const parts = splitPath(rel);
    const seen = new Set<string>();
    const hidden = new Set<string>();
    for (const layer of this.root.layers) {
      const dir = join(layer, ...parts);
      const st = lstatOr(dir);
      if (!st) continue;
      if (!st.isDirectory()) break;
      for (const name of readdirSync(dir)) {
        if (seen.has(name) || hidden.has(name)) continue;
        if (this.root.layers.length > 1 && isWhiteout(lstatSync(join(dir, name)))) hidden.add(name);
        else seen.add(name);
      }
      if (this.root.layers.length > 1 && this.root.isOpaque(dir)) break;
    }
    return [...seen].sort();
  }

  /**
   * `rel` with every symlink in it resolved (the last one too when
   * `follow`), as a path from the root. `what` names the path in errors.
   */
  canonical(rel: string, follow: boolean, what: string): string {
    let rest = splitPath(rel);
    const done: string[] = [];
    for (let links = 0; rest.length > 0; ) {
      const part = rest.shift()!;
      if (part === '..') {
        if (done.length === 0 && this.context) throw new UserError(`${what}: the path (or a symbolic link in it) leads outside ${this.context.what}`);
        done.pop();
        continue;
      }
      const e = this.entry([...done, part].join('/'));
      if (!e || !e.st.isSymbolicLink() || (!follow && rest.length === 0)) {
        done.push(part);
        if (!e) return [...done, ...rest].join('/');
        continue;
      }
      if (++links > 40) throw new UserError(`${what}: too many levels of symbolic links`);
      const target = readlinkSync(e.host);
      const linkPath = [...done, part].join('/');
      if (this.context && target.startsWith('/')) throw new UserError(`${what}: symbolic link ${linkPath} points outside ${this.context.what} (${target})`);
      if (target.startsWith('/')) done.length = 0;
      rest = [...splitPath(target), ...rest];
    }
    return done.join('/');
  }

  /** "the build context", or "the stage" for a tree read from layers. */
  get what(): string {
    return this.context?.what ?? 'the stage';
  }

  ignored(rel: string): boolean {
    return this.context?.ignored(rel) ?? false;
  }

  /** Whether an ignored directory may still hold files that are not ignored (a `!` pattern). */
  get mayHideChildren(): boolean {
    return this.context?.mayHideChildren ?? false;
  }

  /**
   * The paths a COPY source names: the path itself, or the matches of its
   * wildcards (`*`, `?`, `[...]` within one path component, as Go's
   * filepath.Match), ignored context files left out.
   */
  match(pattern: string, what: string): string[] {
    const norm = posix.normalize(pattern.replace(/^\/+/, '') || '.');
    if (norm === '..' || norm.startsWith('../')) throw new UserError(`${what}: the path leads outside ${this.context?.what ?? 'the stage'}`);
    let found = [''];
    for (const part of splitPath(norm)) {
      const next: string[] = [];
      for (const dir of found) {
        if (!/[*?[]/.test(part)) {
          next.push(dir ? `${dir}/${part}` : part);
          continue;
        }
        const canon = this.canonical(dir, true, what);
        const e = this.entry(canon);
        if (!e?.st.isDirectory()) continue;
        const re = globRegex(part);
        for (const name of this.readdir(canon)) if (re.test(name)) next.push(dir ? `${dir}/${name}` : name);
      }
      found = next;
    }
    return found.filter((p) => !this.ignored(p) && this.entry(this.canonical(p, false, what)) !== undefined);
  }
}

/** One path component's wildcard as a regular expression (Go's filepath.Match). */
function globRegex(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) throw new UserError(`bad pattern "${glob}": unterminated [`);
      let body = glob.slice(i + 1, end);
      if (body.startsWith('^') || body.startsWith('!')) body = `^${body.slice(1)}`;
      re += `[${body.replace(/\\/g, '\\\\')}]`;
      i = end;
    } else if (c === '\\' && i + 1 < glob.length) re += `\\${glob[++i]}`;
    else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}
