import { writeOut } from '../../entry.ts';
import type { Context } from '../context.ts';
import { parseRunRequest, warn } from '../run-flags.ts';
import { requireTerminalInput } from '../tty-input.ts';

export default async function run(args: string[], ctx: Context): Promise<number> {
  const req = { ...(await parseRunRequest('run', 'Run a command in a new container', args, true)), onWarning: warn };
  if (!req.flags.detach) requireTerminalInput(!!req.flags.tty, !!req.flags.interactive);
  const done = await (await ctx.engine.containers()).run(req);
  if (!done.detached) return done.exitCode;
  writeOut(`${done.id}\n`);
  return 0;
}
