import { writeOut } from '../../entry.ts';
import type { Context } from '../context.ts';
import { commandParser, parseArgs } from '../parse.ts';

export default async function wait(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('wait', 'Wait for containers to end and print their exit codes').argument('<container...>', 'names or id prefixes');
  const { operands } = parseArgs<object>(cmd, args);
  const containers = await ctx.engine.containers();
  for (const text of operands) {
    const s = await containers.wait(text);
    writeOut(`${s?.exitCode ?? 'unknown'}\n`);
  }
  return 0;
}
