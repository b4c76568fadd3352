import { UserError } from '../../common/errors.ts';
import type { ImageConfig } from '../image-store/record.ts';
import { DEFAULT_PATH, resolveUser, type ResolvedUser, type Root } from './rootfs-lookup.ts';

/** Later entries win by key, as `-e` overrides the image's Env in Docker. */
export function mergeEnv(...lists: string[][]): string[] {
  const map = new Map<string, string>();
  for (const list of lists) {
    for (const e of list) {
      const eq = e.indexOf('=');
      map.set(eq < 0 ? e : e.slice(0, eq), e);
    }
  }
  return [...map.values()];
}

/**
 * Docker's rule: entrypoint + (the command given, or else the image's Cmd).
 * `--entrypoint` replaces the image's ("" clears it) and drops its Cmd too.
 */
export function containerArgs(config: ImageConfig, command: string[], entrypoint?: string): string[] {
  const ep = entrypoint === undefined ? (config.Entrypoint ?? []) : entrypoint === '' ? [] : [entrypoint];
  const cmd = command.length > 0 || entrypoint !== undefined ? command : (config.Cmd ?? []);
  const args = [...ep, ...cmd];
  if (args.length === 0) throw new UserError('no command given and the image has no Cmd or Entrypoint: name a command after the image');
  return args;
}

export interface ProcessSettings {
  env: string[];
  cwd: string;
  user: ResolvedUser;
}

/** Env, working directory and user of the container's process: the image's config, overridden by the flags. */
export function processSettings(
  rootfs: Root,
  config: ImageConfig,
  flags: { env: string[]; workdir?: string; user?: string; tty: boolean },
  hostname: string,
): ProcessSettings {
  const user = resolveUser(rootfs, flags.user ?? config.User ?? '');
  const cwd = flags.workdir || config.WorkingDir || '/';
  if (!cwd.startsWith('/')) throw new UserError(`invalid working directory "${cwd}": it must be an absolute path`);
  const base = [`PATH=${DEFAULT_PATH}`, `HOSTNAME=${hostname}`, `HOME=${user.home}`];
  if (flags.tty) base.push('TERM=xterm');
  return { env: mergeEnv(base, config.Env ?? [], flags.env), cwd, user };
}
