import { writeOut } from '../../entry.ts';
import type { Context } from '../context.ts';
import { commandParser, parseArgs } from '../parse.ts';

/**
 * `rocker system check [--repair]`: one line per problem (the thing and the
 * cause, and what --repair does or did about it), then a count. Exit 0 when
 * nothing is left wrong, 1 otherwise.
 */
export default async function check(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('system check', 'Verify the store (records, layers and blobs against their digests; leftover mounts, cgroups, runtime state) and optionally repair it')
    .option('-r, --repair', 'repair what can be repaired safely');
  const { opts } = parseArgs<{ repair?: boolean }>(cmd, args);
  const problems = await (await ctx.engine.system()).check(!!opts.repair);
  let left = 0;
  for (const p of problems) {
    if (!p.repaired) left++;
    const note = !p.repair ? '' : !opts.repair ? ` (--repair: ${p.repair})` : p.repaired ? ` (repaired: ${p.repair})` : ` (repair failed: ${p.repairError})`;
    writeOut(`${p.what}: ${p.reason}${note}\n`);
  }
  const repaired = problems.length - left;
  writeOut(problems.length === 0 ? 'no problems found\n' : `${problems.length} problem${problems.length === 1 ? '' : 's'} found${opts.repair ? `, ${repaired} repaired` : ''}\n`);
  return left === 0 ? 0 : 1;
}
