import { UserError } from '../../../common/errors.ts';
import type { Context } from '../context.ts';
import { forEachOperand } from '../each.ts';
import { commandParser, parseArgs } from '../parse.ts';

export default async function stop(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('pod stop', 'Stop pods: their containers (SIGTERM, then SIGKILL), then their namespaces')
    .argument('<pod...>', 'names or id prefixes')
    .option('-t, --time <seconds>', 'seconds to wait after SIGTERM before SIGKILL', '10');
  const { opts, operands } = parseArgs<{ time: string }>(cmd, args);
  if (!/^\d+$/.test(opts.time)) throw new UserError(`invalid --time "${opts.time}": expected whole seconds`);
  const pods = await ctx.engine.pods();
  return forEachOperand(operands, (text) => pods.stop(text, Number(opts.time)));
}
