// Projects that pin an OpenCode version, remembered when they build or run,
// so that `ocx image prune` anywhere keeps their images (the original pruned
// every version but its own project's). Unpinned projects need no record:
// the newest image of each repository is kept anyway.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomic } from '../../common/fs-atomic.ts';
import { cacheDir } from '../paths.ts';
import type { Project } from '../project.ts';
import type { PinnedProject } from './inventory.ts';

const file = () => join(cacheDir(), 'pinned-projects.json');

function read(): Record<string, string> {
  try {
    const data = JSON.parse(readFileSync(file(), 'utf8')) as unknown;
    return data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, string>) : {};
  } catch {
    return {};
  }
}

/** Records (or forgets) the project's pinned final image; writes only on a change, off the hot path's cost. */
export function rememberPin(p: Project, finalRef: string): void {
  const pins = read();
  const want = p.cfg.opencode_version === 'latest' ? undefined : finalRef;
  if (pins[p.cwd] === want) return;
  if (want) pins[p.cwd] = want;
  else delete pins[p.cwd];
  try {
    mkdirSync(cacheDir(), { recursive: true });
    writeJsonAtomic(file(), pins);
  } catch {
    /* a cache: losing it only means prune keeps less */
  }
}

/** Pinned projects whose directory still exists; a removed project is forgotten. */
export function pinnedProjects(): PinnedProject[] {
  return Object.entries(read()).filter(([dir]) => existsSync(dir)).map(([dir, final]) => ({ dir, final }));
}
