import { spawnSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { globalConfigDir } from './paths.ts';

/** `levels` directories up from `dir`, by its spelling (symlinks in $PWD stay as the user wrote them). */
function up(dir: string, levels: number): string {
  let d = dir;
  for (let i = 0; i < levels; i++) d = dirname(d);
  return d;
}

/**
 * The project `here` belongs to: the nearest directory with an ocx.json,
 * else the git work tree's root, else `here` itself. So a sub-directory gets
 * its project's config, container, port and workspace.
 */
export function projectRoot(here: string): string {
  const global = globalConfigDir();
  for (let d = here; ; d = dirname(d)) {
    if (d !== global && existsSync(join(d, 'ocx.json'))) return d;
    if (dirname(d) === d) break;
  }
  const r = spawnSync('git', ['rev-parse', '--show-toplevel'], { cwd: here, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const top = r.status === 0 ? r.stdout.trim() : '';
  if (!top) return here;
  // git prints the real path; walk up as many levels from the path as the user spells it.
  let real: string;
  try {
    real = realpathSync(here);
  } catch {
    return here;
  }
  const rel = relative(top, real);
  if (rel.startsWith('..')) return here;
  return rel ? up(here, rel.split(sep).length) : here;
}
