import { UserError } from '../../common/errors.ts';
import type { ContainerInfo, ContainerEngine } from '../../ocx/engines/types.ts';
import { loadProject, type Project, projectEngine } from '../../ocx/project.ts';

/** ocx's containers: named `ocx-*` (also the original's) or labelled with their workspace. */
export const isOcxContainer = (c: ContainerInfo) => c.name.startsWith('ocx-') || 'ocx.workspace' in c.labels;

/** The project and its engine, and the container when it must be running. */
export async function runningContainer(): Promise<{ p: Project; engine: ContainerEngine }> {
  const p = loadProject();
  const engine = await projectEngine(p);
  const running = (await engine.listContainers(false)).some((c) => c.name === p.container);
  if (!running) throw new UserError(`no running container ${p.container} for ${p.cwd}; start one with 'ocx opencode'`);
  return { p, engine };
}
