import { writeOut } from '../../entry.ts';
import type { Context } from '../context.ts';
import { commandParser, parseArgs } from '../parse.ts';

export default async function run(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('rmi', 'Remove images by NAME[:TAG] or id prefix')
    .argument('<image...>', 'images to remove')
    .option('-f, --force', 'remove even when a container uses the image (the container keeps its files)');
  const { opts, operands } = parseArgs<{ force?: boolean }>(cmd, args);
  const { removed, damaged, stillTagged } = await (await ctx.engine.images()).remove(operands, Boolean(opts.force));
  for (const d of damaged) writeOut(`Untagged: ${d.ref} (damaged record)\n`);
  for (const r of removed) writeOut(`Untagged: ${r.name}:${r.tag}\n${stillTagged.has(r.digest) ? '' : `Deleted: ${r.digest}\n`}`);
  return 0;
}
