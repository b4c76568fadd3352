import { loadProject } from '../../../ocx/project.ts';
import { commandParser, parseArgs } from '../parse.ts';

export default async function port(args: string[]): Promise<number> {
  parseArgs(commandParser('port', 'Print the port of this directory (the port key, or derived from the path)'), args);
  console.log(loadProject().port);
  return 0;
}
