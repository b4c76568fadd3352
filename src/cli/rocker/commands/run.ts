import { guardStdout } from '../../entry.ts';
import type { Context } from '../context.ts';
import { parseRunRequest } from '../run-flags.ts';

export default async function run(args: string[], ctx: Context): Promise<number> {
  const req = parseRunRequest('run', 'Run a command in a new container', args, true);
  const done = await (await ctx.engine.containers()).run(req);
  if (!done.detached) return done.exitCode;
  guardStdout();
  process.stdout.write(`${done.id}\n`);
  return 0;
}
