import type { Context } from '../context.ts';
import { forEachOperand } from '../each.ts';
import { commandParser, parseArgs } from '../parse.ts';

export default async function rm(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('network rm', 'Remove networks, with their bridge and firewall rules').argument('<network...>', 'names or id prefixes');
  const { operands } = parseArgs(cmd, args);
  const networks = await ctx.engine.networks();
  return forEachOperand(operands, (t) => networks.remove(t));
}
