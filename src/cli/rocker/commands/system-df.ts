import { writeOut } from '../../entry.ts';
import { formatSize } from '../../../common/format.ts';
import { formatTable } from '../../../common/table.ts';
import type { UsageRow } from '../../../engine/types.ts';
import type { Context } from '../context.ts';
import { commandParser, isTemplate, parseArgs, templateFormatOption } from '../parse.ts';

const pct = (part: number, whole: number) => (whole > 0 ? ` (${Math.round((part / whole) * 100)}%)` : '');

export default async function df(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('system df', 'Show disk usage: images, containers, layers and blobs (total, shared, reclaimable)')
    .addOption(templateFormatOption());
  const { opts } = parseArgs<{ format: string }>(cmd, args);
  const du = await (await ctx.engine.system()).df();
  if (opts.format === 'json') {
    writeOut(`${JSON.stringify(du, null, 2)}\n`);
    return 0;
  }
  const kinds: Array<[string, UsageRow]> = [['Images', du.images], ['Containers', du.containers], ['Layers', du.layers], ['Blobs', du.blobs], ['Build cache', du.build_cache]];
  if (isTemplate(opts.format)) {
    // Docker's fields, for scripts written against `docker system df --format`.
    const { renderTemplate } = await import('../template-output.ts');
    const view = kinds.map(([Type, r]) => ({ Type, TotalCount: r.total, Active: r.active, Size: formatSize(r.size), Reclaimable: `${formatSize(r.reclaimable)}${pct(r.reclaimable, r.size)}` }));
    writeOut(renderTemplate(opts.format, view, { Type: 'TYPE', TotalCount: 'TOTAL', Active: 'ACTIVE', Size: 'SIZE', Reclaimable: 'RECLAIMABLE' }));
    return 0;
  }
  const row = (type: string, r: UsageRow) => [type, String(r.total), String(r.active), formatSize(r.size), formatSize(r.shared), `${formatSize(r.reclaimable)}${pct(r.reclaimable, r.size)}`];
  const rows = kinds.map(([type, r]) => row(type, r));
  writeOut(`${formatTable(['TYPE', 'TOTAL', 'ACTIVE', 'SIZE', 'SHARED', 'RECLAIMABLE'], rows)}\n`);
  return 0;
}
