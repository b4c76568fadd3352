import type { Context } from '../context.ts';
import { commandParser, parseArgs } from '../parse.ts';

export default async function run(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('tag', 'Give an image another name (same image id, no copy)')
    .argument('<source>', 'NAME[:TAG] or image id')
    .argument('<target>', 'NAME[:TAG]');
  const { operands } = parseArgs(cmd, args);
  await (await ctx.engine.images()).tag(operands[0]!, operands[1]!);
  return 0;
}
