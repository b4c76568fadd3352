import { writeOut } from '../../entry.ts';
import type { Context } from '../context.ts';
import { commandParser, parseArgs } from '../parse.ts';

export default async function prune(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('network prune', 'Remove every network no container uses').option('-f, --force', 'accepted for Docker compatibility (rocker never prompts)');
  parseArgs(cmd, args);
  const removed = await (await ctx.engine.networks()).prune();
  if (removed.length) writeOut(`Deleted Networks:\n${removed.map((n) => `${n}\n`).join('')}`);
  return 0;
}
