import { openEngine } from '../../../engine/engine.ts';
import type { Context } from '../context.ts';
import { commandParser, parseArgs } from '../parse.ts';

export default async function run(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('rmi', 'Remove images by NAME[:TAG] or id prefix')
    .argument('<image...>', 'images to remove')
    .option('-f, --force', 'remove even when a container uses the image (the container keeps its files)');
  const { opts, operands } = parseArgs<{ force?: boolean }>(cmd, args);
  const { images } = openEngine(ctx.paths);
  // -f also clears records too damaged to read (without it, the damage is the error).
  const damaged = opts.force ? await images.removeDamaged(operands) : [];
  for (const d of damaged) process.stdout.write(`Untagged: ${d.ref} (damaged record)\n`);
  const rest = operands.filter((t) => !damaged.some((d) => d.text === t));
  const removed = rest.length > 0 ? await images.remove(rest, Boolean(opts.force)) : [];
  for (const r of removed) process.stdout.write(`Untagged: ${r.name}:${r.tag}\nDeleted: ${r.digest}\n`);
  return 0;
}
