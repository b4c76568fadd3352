import type { Context } from '../context.ts';
import { forEachOperand } from '../each.ts';
import { commandParser, parseArgs } from '../parse.ts';

export default async function pause(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('pause', "Freeze every process of containers (the cgroup freezer) until 'rocker unpause'")
    .argument('<container...>', 'names or id prefixes');
  const { operands } = parseArgs(cmd, args);
  const containers = await ctx.engine.containers();
  return forEachOperand(operands, (text) => containers.setPaused(text, true));
}
