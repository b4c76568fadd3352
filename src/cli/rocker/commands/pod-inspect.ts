import { writeOut } from '../../entry.ts';
import type { Context } from '../context.ts';
import { commandParser, parseArgs } from '../parse.ts';

export default async function inspect(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('pod inspect', 'Show pods as a JSON array').argument('<pod...>', 'names or id prefixes');
  const { operands } = parseArgs(cmd, args);
  const pods = await ctx.engine.pods();
  const out = [];
  for (const text of operands) out.push(await pods.inspect(text));
  writeOut(`${JSON.stringify(out, null, 2)}\n`);
  return 0;
}
