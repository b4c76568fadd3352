import { writeOut } from '../../entry.ts';
import type { Context } from '../context.ts';
import { commandParser, parseArgs } from '../parse.ts';

export default async function inspect(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('network inspect', 'Show networks as a JSON array').argument('<network...>', 'names or id prefixes');
  const { operands } = parseArgs(cmd, args);
  writeOut(`${JSON.stringify(await (await ctx.engine.networks()).inspect(operands), null, 2)}\n`);
  return 0;
}
