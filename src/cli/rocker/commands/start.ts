import { UserError } from '../../../common/errors.ts';
import type { Context } from '../context.ts';
import { forEachOperand } from '../each.ts';
import { commandParser, parseArgs } from '../parse.ts';

export default async function start(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('start', 'Start created or stopped containers (again, with the files they had)')
    .argument('<container...>', 'names or id prefixes')
    .option('-a, --attach', "stay attached to the container's output and exit with its code")
    .option('-i, --interactive', "connect stdin to the container's");
  const { opts, operands } = parseArgs<{ attach?: boolean; interactive?: boolean }>(cmd, args);
  const containers = await ctx.engine.containers();
  const attach = !!opts.attach || !!opts.interactive;
  if (!attach) return forEachOperand(operands, (text) => containers.start(text, { attach: false, interactive: false }));
  if (operands.length > 1) throw new UserError('start -a and -i take one container');
  return (await containers.start(operands[0]!, { attach, interactive: !!opts.interactive })) ?? 0;
}
