import { runningContainer } from '../running.ts';
import { commandParser, parseArgs } from '../parse.ts';

export default async function shell(args: string[]): Promise<number> {
  parseArgs(commandParser('shell', 'Open bash in the running container, as your user'), args);
  const { p, engine } = await runningContainer();
  return engine.exec(p.container, ['bash'], !!process.stdin.isTTY);
}
