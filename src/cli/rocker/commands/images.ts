import { formatSize } from '../../../common/format.ts';
import { formatTable } from '../../../common/table.ts';
import { openEngine } from '../../../engine/engine.ts';
import type { Context } from '../context.ts';
import { commandParser, formatOption, parseArgs } from '../parse.ts';

const EMPTY = "No images found. Use 'rocker import <tar-file> <image-name>' to import an image.";

export default async function run(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('images', 'List images, newest first')
    .option('-q, --quiet', 'print image ids only')
    .addOption(formatOption());
  const { opts } = parseArgs<{ quiet?: boolean; format: string }>(cmd, args);
  const engine = openEngine(ctx.paths);
  const { images, damaged } = engine.images.list();
  for (const d of damaged) process.stderr.write(`rocker: skipping damaged image record ${d.path}: ${d.reason}\n`);
  // Listed all the same, so that rmi can name it; the layer test is an existsSync per layer.
  for (const i of images) {
    const lost = i.layers.find((l) => !engine.layers.has(l));
    if (lost) process.stderr.write(`rocker: image ${i.name}:${i.tag} is damaged: layer ${lost} is missing or unreadable (see 'rocker system check')\n`);
  }
  if (opts.format === 'json') {
    process.stdout.write(`${JSON.stringify(images, null, 2)}\n`);
  } else if (opts.quiet) {
    if (images.length) process.stdout.write(`${images.map((i) => i.id).join('\n')}\n`);
  } else if (images.length === 0) {
    process.stdout.write(`${EMPTY}\n`);
  } else {
    const rows = images.map((i) => [i.name, i.tag, i.id.slice(0, 8), formatSize(i.size), i.created_time]);
    process.stdout.write(`${formatTable(['REPOSITORY', 'TAG', 'IMAGE ID', 'SIZE', 'CREATED'], rows)}\n`);
  }
  return 0;
}
