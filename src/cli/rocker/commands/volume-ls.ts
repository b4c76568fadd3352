import { writeOut } from '../../entry.ts';
import { formatTable } from '../../../common/table.ts';
import type { Context } from '../context.ts';
import { collect, commandParser, isTemplate, parseArgs, templateFormatOption } from '../parse.ts';

const HEADERS = { Name: 'VOLUME NAME', Driver: 'DRIVER', Mountpoint: 'MOUNTPOINT', Labels: 'LABELS', Scope: 'SCOPE', CreatedAt: 'CREATED' };

export default async function ls(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('volume ls', 'List volumes')
    .option('-q, --quiet', 'print only the names')
    .option('-f, --filter <KEY=VALUE>', 'name (a substring), label, dangling, driver (repeatable)', collect, [])
    .addOption(templateFormatOption());
  const { opts } = parseArgs<{ quiet?: boolean; filter: string[]; format: string }>(cmd, args);
  const volumes = await (await ctx.engine.volumes()).list(opts.filter);
  if (opts.quiet) {
    if (volumes.length) writeOut(`${volumes.map((v) => v.Name).join('\n')}\n`);
  } else if (opts.format === 'json') {
    writeOut(`${JSON.stringify(volumes, null, 2)}\n`);
  } else if (isTemplate(opts.format)) {
    const { renderTemplate } = await import('../template-output.ts');
    const view = volumes.map((v) => ({ ...v, Labels: Object.entries(v.Labels).map(([k, l]) => `${k}=${l}`).sort().join(',') }));
    writeOut(renderTemplate(opts.format, view, HEADERS));
  } else {
    writeOut(`${formatTable(['DRIVER', 'VOLUME NAME'], volumes.map((v) => [v.Driver, v.Name]))}\n`);
  }
  return 0;
}
