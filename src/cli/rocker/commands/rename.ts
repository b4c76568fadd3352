import type { Context } from '../context.ts';
import { commandParser, parseArgs } from '../parse.ts';

export default async function rename(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('rename', 'Give a container a new name')
    .argument('<container>', 'name or id prefix')
    .argument('<new-name>', 'the new name');
  const { operands } = parseArgs(cmd, args);
  await (await ctx.engine.containers()).rename(operands[0]!, operands[1]!);
  return 0;
}
