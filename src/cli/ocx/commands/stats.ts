import { UserError } from '../../../common/errors.ts';
import { loadProject, projectEngine } from '../../../ocx/project.ts';
import { commandParser, parseArgs } from '../parse.ts';
import { isOcxContainer } from '../running.ts';

export default async function stats(args: string[]): Promise<number> {
  const { opts } = parseArgs<{ all?: boolean }>(
    commandParser('stats', 'CPU, memory and process use of the project\'s container').option('--all', 'every running ocx container'), args);
  const p = loadProject();
  const engine = await projectEngine(p);
  const running = await engine.listContainers(false);
  const names = running.filter((c) => (opts.all ? isOcxContainer(c) : c.name === p.container)).map((c) => c.name);
  if (names.length === 0) {
    throw new UserError(opts.all ? 'no running ocx containers' : `no running container ${p.container} for ${p.cwd}; start one with 'ocx opencode'`);
  }
  return engine.stats(names);
}
