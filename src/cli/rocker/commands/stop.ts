import type { Context } from '../context.ts';
import { parseCommand, type CommandSpec } from '../command-spec.ts';
import { forEachOperand } from '../each.ts';
import { UserError } from '../../../common/errors.ts';

export const STOP: CommandSpec = {
  name: 'stop',
  summary: 'Stop running containers: SIGTERM, then SIGKILL after a grace period',
  argument: ['<container...>', 'names or id prefixes'],
  options: [['-t, --time <seconds>', 'seconds to wait after SIGTERM before SIGKILL', { default: '10' }]],
};

export default async function stop(args: string[], ctx: Context): Promise<number> {
  const { opts, operands } = await parseCommand<{ time: string }>(STOP, args);
  if (!/^\d+$/.test(opts.time)) throw new UserError(`invalid --time "${opts.time}": expected whole seconds`);
  const containers = await ctx.engine.containers();
  return forEachOperand(operands, (text) => containers.stop(text, Number(opts.time)));
}
