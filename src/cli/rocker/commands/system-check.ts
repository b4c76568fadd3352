import { checkStore, repairStore } from '../../../engine/check/index.ts';
import { openEngine } from '../../../engine/engine.ts';
import type { Context } from '../context.ts';
import { commandParser, parseArgs } from '../parse.ts';

/**
 * `rocker system check [--repair]`: one line per problem (the thing and the
 * cause, and what --repair does or did about it), then a count. Exit 0 when
 * nothing is left wrong, 1 otherwise.
 */
export default async function (args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('system check', 'Verify the store (records, layers and blobs against their digests; leftover mounts, cgroups, runtime state) and optionally repair it')
    .option('-r, --repair', 'repair what can be repaired safely');
  const { opts } = parseArgs<{ repair?: boolean }>(cmd, args);
  const engine = openEngine(ctx.paths);
  const problems = checkStore(engine, ctx.runtime);
  const failed = opts.repair ? await repairStore(engine, problems) : new Map();
  let left = 0;
  for (const p of problems) {
    const fixed = opts.repair && p.repair && !failed.has(p);
    if (!fixed) left++;
    const note = !p.repair ? '' : !opts.repair ? ` (--repair: ${p.repair.action})` : fixed ? ` (repaired: ${p.repair.action})` : ` (repair failed: ${failed.get(p)})`;
    process.stdout.write(`${p.what}: ${p.reason}${note}\n`);
  }
  const repaired = problems.length - left;
  process.stdout.write(problems.length === 0 ? 'no problems found\n' : `${problems.length} problem${problems.length === 1 ? '' : 's'} found${opts.repair ? `, ${repaired} repaired` : ''}\n`);
  return left === 0 ? 0 : 1;
}
