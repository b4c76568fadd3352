import { UserError } from '../../../common/errors.ts';
import type { Context } from '../context.ts';
import { forEachOperand } from '../each.ts';
import { commandParser, parseArgs } from '../parse.ts';

export default async function restart(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('restart', 'Stop containers if they run (SIGTERM, then SIGKILL), then start them in the background')
    .argument('<container...>', 'names or id prefixes')
    .option('-t, --time <seconds>', 'seconds to wait after SIGTERM before SIGKILL', '10');
  const { opts, operands } = parseArgs<{ time: string }>(cmd, args);
  if (!/^\d+$/.test(opts.time)) throw new UserError(`invalid --time "${opts.time}": expected whole seconds`);
  const containers = await ctx.engine.containers();
  return forEachOperand(operands, (text) => containers.restart(text, Number(opts.time)));
}
