import type { Context } from '../context.ts';
import { forEachOperand } from '../each.ts';
import { commandParser, parseArgs } from '../parse.ts';

export default async function unpause(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('unpause', 'Let the processes of paused containers run again')
    .argument('<container...>', 'names or id prefixes');
  const { operands } = parseArgs(cmd, args);
  const containers = await ctx.engine.containers();
  return forEachOperand(operands, (text) => containers.setPaused(text, false));
}
