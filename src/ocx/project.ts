// Everything about "this project, this user, this config" that commands share.
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, posix, relative, resolve } from 'node:path';
import { UserError } from '../common/errors.ts';
import type { Config } from './config/keys.ts';
import { type LoadedConfig, loadConfig } from './config/load.ts';
import { selectEngine } from './engines/select.ts';
import type { ContainerEngine } from './engines/types.ts';
import { type BaseSpec, baseSpec } from './images/base.ts';
import type { User } from './images/ensure.ts';
import { containerName, containerWorkspacePath, derivedPort } from './naming.ts';
import { type Resolved, resolveVersion } from './opencode/resolve.ts';
import { sourcesFor } from './opencode/sources.ts';
import { currentDir, homeDir } from './paths.ts';
import { projectRoot } from './root.ts';

export interface Project {
  loaded: LoadedConfig;
  cfg: Config;
  /** The project's directory (see root.ts); `here` is where the user is. */
  cwd: string;
  here: string;
  user: User;
  port: number;
  container: string;
  workspace: { host: string; container: string };
  /** Where the user is, inside the container: the working directory of runs, shells and execs. */
  workdir: string;
}

export function loadProject(env: NodeJS.ProcessEnv = process.env): Project {
  const here = currentDir();
  const cwd = projectRoot(here);
  const loaded = loadConfig(env, cwd);
  const cfg = loaded.config;
  const user: User = {
    username: cfg.username ?? (env.USER || 'user'),
    uid: cfg.uid ?? process.getuid?.() ?? 1000,
    gid: cfg.gid ?? process.getgid?.() ?? 1000,
  };
  // A relative OCX_WORKSPACE is relative to where the user typed it, as in a shell.
  const host = env.OCX_WORKSPACE ? resolve(here, env.OCX_WORKSPACE) : cwd;
  if (!existsSync(host)) throw new UserError(`OCX_WORKSPACE ${host} does not exist`);
  if (!statSync(host).isDirectory()) throw new UserError(`OCX_WORKSPACE ${host} is not a directory`);
  const port = cfg.port ?? derivedPort(cwd);
  const inWs = containerWorkspacePath(host, homeDir(), user.username);
  const rel = relative(host, here);
  return {
    loaded, cfg, cwd, here, user, port,
    container: containerName(cwd, port, cfg.container_name),
    workspace: { host, container: inWs },
    workdir: rel && !rel.startsWith('..') && !isAbsolute(rel) ? posix.join(inWs, rel) : inWs,
  };
}

export const projectEngine = (p: Project): Promise<ContainerEngine> => selectEngine(p.cfg.engine);

export const projectBase = (p: Project): BaseSpec => baseSpec(p.cfg.custom_base_dockerfile, p.cwd, p.user);

export const projectSources = (p: Project) => sourcesFor(p.cfg);

/** The OpenCode version to use; offline, the newest final image built here for this base. */
export function projectVersion(p: Project, engine: ContainerEngine, repo: string, refresh = false): Promise<Resolved> {
  return resolveVersion(p.cfg.opencode_version, projectSources(p), async () => {
    const imgs = await engine.listImages(repo);
    return imgs.flatMap((i) => i.tags).filter((t) => t.startsWith(`${repo}:`)).map((t) => t.slice(repo.length + 1));
  }, { refresh });
}
