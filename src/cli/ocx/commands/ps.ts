import { formatTable } from '../../../common/table.ts';
import { loadProject, projectEngine } from '../../../ocx/project.ts';
import { commandParser, parseArgs } from '../parse.ts';
import { isOcxContainer } from '../running.ts';

export default async function ps(args: string[]): Promise<number> {
  const { opts } = parseArgs<{ all?: boolean }>(
    commandParser('ps', 'List ocx containers (running ones unless -a)').option('-a, --all', 'include stopped containers'), args);
  const engine = await projectEngine(loadProject());
  const mine = (await engine.listContainers(!!opts.all)).filter(isOcxContainer);
  if (mine.length === 0) {
    console.log(opts.all ? 'No ocx containers' : "No running ocx containers (see 'ocx ps -a')");
    return 0;
  }
  console.log(formatTable(['NAME', 'IMAGE', 'STATUS', 'PORTS', 'WORKSPACE'],
    mine.map((c) => [c.name, c.image, c.status, c.ports, c.labels['ocx.workspace'] ?? ''])));
  return 0;
}
