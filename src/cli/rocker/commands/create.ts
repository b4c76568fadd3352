import { writeOut } from '../../entry.ts';
import type { Context } from '../context.ts';
import { parseRunRequest, warn } from '../run-flags.ts';

export default async function create(args: string[], ctx: Context): Promise<number> {
  const req = { ...(await parseRunRequest('create', "Create a container without starting it (start it with 'rocker start')", args, false)), onWarning: warn };
  writeOut(`${await (await ctx.engine.containers()).create(req)}\n`);
  return 0;
}
