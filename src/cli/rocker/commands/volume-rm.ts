import type { Context } from '../context.ts';
import { forEachOperand } from '../each.ts';
import { commandParser, parseArgs } from '../parse.ts';

export default async function rm(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('volume rm', 'Remove volumes no container uses')
    .argument('<name...>', 'volume names')
    .option('-f, --force', 'a missing volume is not an error (a volume in use is still kept)');
  const { opts, operands } = parseArgs<{ force?: boolean }>(cmd, args);
  const volumes = await ctx.engine.volumes();
  return forEachOperand(operands, (name) => volumes.remove(name, !!opts.force));
}
