import { UserError } from '../../../common/errors.ts';
import type { Context } from '../context.ts';
import { forEachOperand } from '../each.ts';
import { commandParser, parseArgs } from '../parse.ts';

export default async function start(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('pod start', "Start pods: make their namespaces and start their containers").argument('<pod...>', 'names or id prefixes');
  const { operands } = parseArgs(cmd, args);
  const pods = await ctx.engine.pods();
  return forEachOperand(operands, async (text) => {
    const failed = (await pods.start(text)).filter((r) => r.error);
    if (failed.length) throw new UserError(`pod ${text}: ${failed.map((f) => f.error).join('; ')}`);
  });
}
