import type { Context } from '../context.ts';

/** Run by a background container's monitor once its exit is recorded (not listed: not for people). */
export default async function release(args: string[], ctx: Context): Promise<number> {
  await (await ctx.engine.networks()).release(args[0] ?? '');
  return 0;
}
