import { writeOut } from '../../entry.ts';
import { formatGoTime, formatSize, humanDuration } from '../../../common/format.ts';
import { formatTable } from '../../../common/table.ts';
import type { ImageRecord } from '../../../engine/types.ts';
import type { Context } from '../context.ts';
import { parseCommand, type CommandSpec } from '../command-spec.ts';
import { isTemplate, TEMPLATE_FORMAT } from '../template-format.ts';

const EMPTY = "No images found. Use 'rocker import <tar-file> <image-name>' to import an image.";
const HEADERS: Record<string, string> = {
  ID: 'IMAGE ID', Repository: 'REPOSITORY', Tag: 'TAG', Digest: 'DIGEST', CreatedSince: 'CREATED', CreatedAt: 'CREATED AT', Size: 'SIZE', Containers: 'CONTAINERS',
};

/** An image as Docker's `images --format` templates see it. */
function imageView(i: ImageRecord, trunc: boolean): Record<string, unknown> {
  const dangling = i.name === 'untagged';
  return {
    ID: trunc ? i.digest.slice(7, 19) : i.digest,
    Repository: dangling ? '<none>' : i.name,
    Tag: dangling ? '<none>' : i.tag,
    Digest: '<none>',
    CreatedSince: `${humanDuration(Date.now() - new Date(i.created).getTime())} ago`,
    CreatedAt: formatGoTime(new Date(i.created)),
    Size: formatSize(i.size),
    Containers: 'N/A',
  };
}

interface Flags {
  quiet?: boolean;
  format: string;
  filter: string[];
  trunc: boolean;
}

export const IMAGES: CommandSpec = {
  name: 'images',
  summary: 'List images, newest first',
  argument: ['[repository]', 'only images of this REPOSITORY[:TAG]'],
  options: [
    ['-q, --quiet', 'print image ids only'],
    ['-f, --filter <KEY=VALUE>', 'reference (a glob), dangling, label, before, since (repeatable)', true],
    ['--no-trunc', 'full image ids (templates)'],
    TEMPLATE_FORMAT,
  ],
};

export default async function run(args: string[], ctx: Context): Promise<number> {
  const { opts, operands } = await parseCommand<Flags>(IMAGES, args);
  const { images, damaged, missingLayers } = await (await ctx.engine.images()).list({ filters: opts.filter, repository: operands[0] });
  for (const d of damaged) process.stderr.write(`rocker: skipping damaged image record ${d.path}: ${d.reason}\n`);
  for (const { image: i, layer } of missingLayers) process.stderr.write(`rocker: image ${i.name}:${i.tag} is damaged: layer ${layer} is missing or unreadable (see 'rocker system check')\n`);
  if (opts.format === 'json') {
    writeOut(`${JSON.stringify(images, null, 2)}\n`);
  } else if (opts.quiet) {
    // One id per image, however many tags it has, as Docker prints them.
    const ids = [...new Set(images.map((i) => i.id))];
    if (ids.length) writeOut(`${ids.join('\n')}\n`);
  } else if (isTemplate(opts.format)) {
    const { renderTemplate } = await import('../template-output.ts');
    writeOut(renderTemplate(opts.format, images.map((i) => imageView(i, opts.trunc)), HEADERS));
  } else if (images.length === 0 && !opts.filter.length && operands.length === 0) {
    writeOut(`${EMPTY}\n`);
  } else {
    const rows = images.map((i) => [i.name, i.tag, i.id.slice(0, 8), formatSize(i.size), i.created_time]);
    writeOut(`${formatTable(['REPOSITORY', 'TAG', 'IMAGE ID', 'SIZE', 'CREATED'], rows)}\n`);
  }
  return 0;
}
