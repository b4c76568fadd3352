import { spawnSync } from 'node:child_process';
import type { GitFacts } from './naming.ts';

function git(cwd: string, args: string[]): string | undefined {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** What volume naming needs to know about the git repository around `cwd`. */
export function gitFacts(cwd: string): GitFacts {
  // One call answers "in a work tree?" and the root; it fails outside git (or without git).
  const top = git(cwd, ['rev-parse', '--show-toplevel']);
  if (top === undefined) return { inRepo: false };
  let url = git(cwd, ['config', '--get', 'remote.origin.url']);
  if (!url) {
    const first = git(cwd, ['remote'])?.split('\n').find(Boolean);
    if (first) url = git(cwd, ['config', '--get', `remote.${first}.url`]);
  }
  return { inRepo: true, root: top, remoteUrl: url || undefined };
}
