import { loadProject, projectEngine } from '../../../ocx/project.ts';
import { commandParser, parseArgs } from '../parse.ts';

export default async function stop(args: string[]): Promise<number> {
  parseArgs(commandParser('stop', 'Stop the project\'s container'), args);
  const p = loadProject();
  const engine = await projectEngine(p);
  const running = (await engine.listContainers(false)).some((c) => c.name === p.container);
  if (!running) {
    console.log(`${p.container} is not running`);
    return 0;
  }
  await engine.stop(p.container);
  console.log(`Stopped ${p.container}`);
  return 0;
}
