import { writeOut } from '../../entry.ts';
import { formatAge, formatSize } from '../../../common/format.ts';
import { formatTable } from '../../../common/table.ts';
import type { Context } from '../context.ts';
import { commandParser, formatOption, parseArgs } from '../parse.ts';

export default async function run(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('history', "Show an image's layers, newest first: size and the instruction that made each")
    .argument('<image>', 'NAME[:TAG] or image id')
    .option('--no-trunc', 'do not shorten ids and instructions')
    .option('-q, --quiet', 'print the image id only')
    .addOption(formatOption());
  const { opts, operands } = parseArgs<{ trunc: boolean; quiet?: boolean; format: string }>(cmd, args);
  const rows = await (await ctx.engine.images()).history(operands[0]!);
  const id = (d?: string) => (d ? (opts.trunc ? d.slice(7, 19) : d) : '<missing>');
  if (opts.format === 'json') {
    writeOut(`${JSON.stringify(rows.map((r) => ({ id: r.id ?? null, created: r.created?.toISOString() ?? null, created_by: r.createdBy, size: r.size, comment: r.comment })), null, 2)}\n`);
  } else if (opts.quiet) {
    writeOut(`${rows.map((r) => id(r.id)).join('\n')}\n`);
  } else {
    const by = (s: string) => (opts.trunc && s.length > 45 ? `${s.slice(0, 44)}…` : s).replace(/\s+/g, ' ');
    const table = rows.map((r) => [id(r.id), r.created ? formatAge(r.created) : '', by(r.createdBy), formatSize(r.size), r.comment]);
    writeOut(`${formatTable(['IMAGE', 'CREATED', 'CREATED BY', 'SIZE', 'COMMENT'], table)}\n`);
  }
  return 0;
}
