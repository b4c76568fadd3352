import { storePaths, type StorePaths } from '../../engine/paths.ts';

/** What every command gets from the global flags and environment. */
export interface Context {
  paths: StorePaths;
  /** OCI runtime binary (`--runtime`, ROCKER_RUNTIME, runc). */
  runtime: string;
}

export function makeContext(opts: { root: string; runRoot: string; runtime: string }): Context {
  return { paths: storePaths(opts.root, opts.runRoot), runtime: opts.runtime };
}
