import type { Context } from '../context.ts';
import { forEachOperand } from '../each.ts';
import { commandParser, parseArgs } from '../parse.ts';

export default async function rm(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('pod rm', 'Remove pods and their containers')
    .argument('<pod...>', 'names or id prefixes')
    .option('-f, --force', 'kill running containers first');
  const { opts, operands } = parseArgs<{ force?: boolean }>(cmd, args);
  const pods = await ctx.engine.pods();
  return forEachOperand(operands, (text) => pods.remove(text, !!opts.force));
}
