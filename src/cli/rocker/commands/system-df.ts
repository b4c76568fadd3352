import { formatSize } from '../../../common/format.ts';
import { formatTable } from '../../../common/table.ts';
import type { UsageRow } from '../../../engine/types.ts';
import type { Context } from '../context.ts';
import { commandParser, formatOption, parseArgs } from '../parse.ts';

const pct = (part: number, whole: number) => (whole > 0 ? ` (${Math.round((part / whole) * 100)}%)` : '');

export default async function df(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('system df', 'Show disk usage: images, containers, layers and blobs (total, shared, reclaimable)')
    .addOption(formatOption());
  const { opts } = parseArgs<{ format: string }>(cmd, args);
  const du = await (await ctx.engine.system()).df();
  if (opts.format === 'json') {
    process.stdout.write(`${JSON.stringify(du, null, 2)}\n`);
    return 0;
  }
  const row = (type: string, r: UsageRow) => [type, String(r.total), String(r.active), formatSize(r.size), formatSize(r.shared), `${formatSize(r.reclaimable)}${pct(r.reclaimable, r.size)}`];
  const rows = [row('Images', du.images), row('Containers', du.containers), row('Layers', du.layers), row('Blobs', du.blobs), row('Build cache', du.build_cache)];
  process.stdout.write(`${formatTable(['TYPE', 'TOTAL', 'ACTIVE', 'SIZE', 'SHARED', 'RECLAIMABLE'], rows)}\n`);
  return 0;
}
