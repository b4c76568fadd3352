import type { Context } from '../context.ts';
import { forEachOperand } from '../each.ts';
import { commandParser, parseArgs } from '../parse.ts';
import { UserError } from '../../../common/errors.ts';
import { resolveContainer } from '../../../engine/container-store/store.ts';
import { stopContainer } from '../../../engine/runtime/lifecycle.ts';

export default async function stop(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('stop', 'Stop running containers: SIGTERM, then SIGKILL after a grace period')
    .argument('<container...>', 'names or id prefixes')
    .option('-t, --time <seconds>', 'seconds to wait after SIGTERM before SIGKILL', '10');
  const { opts, operands } = parseArgs<{ time: string }>(cmd, args);
  if (!/^\d+$/.test(opts.time)) throw new UserError(`invalid --time "${opts.time}": expected whole seconds`);
  return forEachOperand(operands, (text) => stopContainer(ctx.paths, resolveContainer(ctx.paths, text), Number(opts.time)));
}
