import { loadProject, projectEngine } from '../../../ocx/project.ts';
import { commandParser, parseArgs } from '../parse.ts';
import { isOcxContainer } from '../running.ts';

export default async function stop(args: string[]): Promise<number> {
  const { opts } = parseArgs<{ all?: boolean }>(
    commandParser('stop', 'Stop the project\'s container').option('-a, --all', 'stop every running ocx container'), args);
  const p = loadProject();
  const engine = await projectEngine(p);
  const running = await engine.listContainers(false);
  const targets = running.filter((c) => (opts.all ? isOcxContainer(c) : c.name === p.container)).map((c) => c.name);
  if (targets.length === 0) {
    console.log(opts.all ? 'No running ocx containers' : `${p.container} is not running`);
    return 0;
  }
  // In parallel: each waits out OpenCode's ignored SIGTERM.
  await Promise.all(targets.map(async (name) => {
    await engine.stop(name);
    console.log(`Stopped ${name}`);
  }));
  return 0;
}
