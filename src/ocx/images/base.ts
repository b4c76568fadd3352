// The base image: its Dockerfile (ocx's default or the user's), and a tag
// that is a content hash of everything that goes into it.
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { UserError } from '../../common/errors.ts';
import { expandHome, globalConfigDir } from '../paths.ts';
import { BASE_RECIPE, DEFAULT_BASE_DOCKERFILE } from './dockerfiles.ts';

export const BASE_REPO = 'localhost/ocx-base';

export interface BaseSpec {
  /** "default", or the custom Dockerfile's path. */
  source: string;
  /** Undefined for the default base (written to a scratch context at build time). */
  dockerfile?: string;
  contextDir?: string;
  dockerfileText: string;
  /** The original's name for this custom base ("myproj", "myproj-docker", "ruby"); names the final image. */
  name?: string;
  buildArgs: Record<string, string>;
  hash: string;
  /** `localhost/ocx-base:<hash>`: what finals and other projects find it by. */
  ref: string;
  /** A custom base's readable tag too, `localhost/ocx-base-<name>:<hash>` (the seed's listing names bases so). */
  namedRef?: string;
}

/** The original's lookup: relative to the project first, then under ~/.config/ocx. */
export function findCustomDockerfile(configured: string, cwd: string): { path: string; name: string } {
  const projectPath = resolve(cwd, expandHome(configured));
  if (existsSync(projectPath) && statSync(projectPath).isFile()) {
    const rel = relative(cwd, dirname(projectPath)).replace(/^\/+|\/+$/g, '');
    const project = basename(cwd);
    const inside = rel && !rel.startsWith('..');
    return { path: projectPath, name: inside ? `${project}-${rel.replaceAll('/', '-')}` : project };
  }
  const globalBase = globalConfigDir();
  const globalPath = join(globalBase, configured);
  if (existsSync(globalPath) && statSync(globalPath).isFile()) {
    const rel = relative(globalBase, dirname(globalPath)).replace(/^\/+|\/+$/g, '');
    return { path: globalPath, name: rel.replaceAll('/', '-') || 'global' };
  }
  throw new UserError(`custom_base_dockerfile "${configured}" not found; looked in ${projectPath} (project) and ${globalPath} (global)`);
}

/** Source paths of COPY/ADD instructions (not --from stages): the context files that matter. */
export function copySources(dockerfile: string): string[] {
  const text = dockerfile.replace(/\\\r?\n/g, ' ');
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(COPY|ADD)\s+(.*)$/i.exec(line);
    if (!m) continue;
    let rest = m[2]!.trim();
    if (/--from[= ]/i.test(rest)) continue;
    rest = rest.replace(/--[a-z-]+(=\S+)?\s+/gi, '');
    let parts: string[];
    if (rest.startsWith('[')) {
      try {
        parts = JSON.parse(rest) as string[];
      } catch {
        continue;
      }
    } else parts = rest.split(/\s+/);
    out.push(...parts.slice(0, -1).filter((p) => !/^https?:\/\//.test(p)));
  }
  return out;
}

function hashTree(h: ReturnType<typeof createHash>, root: string, p: string): void {
  const st = lstatSync(p);
  const rel = relative(root, p);
  if (st.isDirectory()) {
    if (basename(p) === '.git') return;
    h.update(`d ${rel} ${st.mode & 0o777}\n`);
    for (const e of readdirSync(p).sort()) hashTree(h, root, join(p, e));
  } else if (st.isSymbolicLink()) {
    h.update(`l ${rel}\n`);
  } else {
    h.update(`f ${rel} ${st.mode & 0o777} ${st.size}\n`);
    h.update(readFileSync(p));
  }
}

/** The build-context files a Dockerfile copies, hashed; globs are matched against the context. */
function hashContext(h: ReturnType<typeof createHash>, contextDir: string, dockerfileText: string): void {
  for (const src of copySources(dockerfileText)) {
    const pattern = src.replace(/^\.\/+/, '').replace(/\/+$/, '') || '.';
    const matches = /[*?[]/.test(pattern)
      ? [...new Bun.Glob(pattern).scanSync({ cwd: contextDir, dot: true, onlyFiles: false })].sort()
      : [pattern];
    for (const m of matches) {
      const full = join(contextDir, m);
      h.update(`src ${m}\n`);
      if (existsSync(full)) hashTree(h, contextDir, full);
    }
  }
}

export function baseSpec(custom: string | null, cwd: string, user: { username: string; uid: number; gid: number }): BaseSpec {
  const h = createHash('sha256');
  h.update(`${BASE_RECIPE}\n`);
  if (!custom) {
    h.update(DEFAULT_BASE_DOCKERFILE);
    const hash = h.digest('hex').slice(0, 12);
    return { source: 'default', dockerfileText: DEFAULT_BASE_DOCKERFILE, buildArgs: {}, hash, ref: `${BASE_REPO}:${hash}` };
  }
  const found = findCustomDockerfile(custom, cwd);
  const text = readFileSync(found.path, 'utf8');
  const contextDir = dirname(found.path);
  // The original passes these to custom bases; they shape the image, so they are inputs too.
  const buildArgs = { USERNAME: user.username, UID: String(user.uid), GID: String(user.gid) };
  h.update(text);
  h.update(JSON.stringify(buildArgs));
  hashContext(h, contextDir, text);
  const hash = h.digest('hex').slice(0, 12);
  return {
    source: found.path, dockerfile: found.path, contextDir, dockerfileText: text, name: found.name, buildArgs, hash,
    ref: `${BASE_REPO}:${hash}`, namedRef: `${BASE_REPO}-${found.name}:${hash}`,
  };
}
