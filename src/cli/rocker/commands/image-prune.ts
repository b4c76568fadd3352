import { writeOut } from '../../entry.ts';
import { formatSize } from '../../../common/format.ts';
import { formatRef } from '../../../engine/reference.ts';
import type { Context } from '../context.ts';
import { commandParser, parseArgs } from '../parse.ts';

export default async function prune(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('image prune', 'Remove untagged images, and layers and blobs no image or container uses; with -a also every image no container uses')
    .option('-a, --all', 'also remove images that no container uses')
    .option('-f, --force', 'do not prompt (rocker never prompts; accepted for Docker compatibility)');
  const { opts } = parseArgs<{ all?: boolean }>(cmd, args);
  const report = await (await ctx.engine.images()).prune(Boolean(opts.all));
  const out: string[] = [];
  if (report.images.length) out.push('Deleted Images:', ...report.images.map((r) => `untagged: ${formatRef(r)}`));
  if (report.layers.length) out.push('Deleted Layers:', ...report.layers.map((l) => `deleted: ${l.diffId}`));
  out.push(`Total reclaimed space: ${formatSize(report.reclaimed)}`);
  writeOut(`${out.join('\n')}\n`);
  return 0;
}
