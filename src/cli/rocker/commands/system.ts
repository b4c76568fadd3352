import { formatSize } from '../../../common/format.ts';
import { formatTable } from '../../../common/table.ts';
import { containerStatus } from '../../../engine/container-store/status.ts';
import { containerFiles, listContainers } from '../../../engine/container-store/store.ts';
import { containerUsages } from '../../../engine/container-store/usage.ts';
import { openEngine } from '../../../engine/engine.ts';
import { diskUsage, type UsageRow } from '../../../engine/image-store/disk-usage.ts';
import type { Context } from '../context.ts';
import { commandParser, formatOption, parseArgs } from '../parse.ts';
import image from './image.ts';

const pct = (part: number, whole: number) => (whole > 0 ? ` (${Math.round((part / whole) * 100)}%)` : '');

async function df(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('system df', 'Show disk usage: images, containers, layers and blobs (total, shared, reclaimable)')
    .addOption(formatOption());
  const { opts } = parseArgs<{ format: string }>(cmd, args);
  const usages = containerUsages(ctx.paths);
  const engine = openEngine(ctx.paths);
  const records = new Map(listContainers(ctx.paths).map((c) => [c.id, c]));
  const running = (id: string) => {
    const rec = records.get(id);
    return rec ? containerStatus(ctx.paths, rec).state === 'running' : false;
  };
  const du = diskUsage(engine.images, engine.layers, usages, (id) => containerFiles(ctx.paths, id).dir, running);
  if (opts.format === 'json') {
    process.stdout.write(`${JSON.stringify(du, null, 2)}\n`);
    return 0;
  }
  const row = (type: string, r: UsageRow) => [type, String(r.total), String(r.active), formatSize(r.size), formatSize(r.shared), `${formatSize(r.reclaimable)}${pct(r.reclaimable, r.size)}`];
  const rows = [row('Images', du.images), row('Containers', du.containers), row('Layers', du.layers), row('Blobs', du.blobs)];
  process.stdout.write(`${formatTable(['TYPE', 'TOTAL', 'ACTIVE', 'SIZE', 'SHARED', 'RECLAIMABLE'], rows)}\n`);
  return 0;
}

export default async function run(args: string[], ctx: Context): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'df') return df(rest, ctx);
  if (sub === 'prune') return image(['prune', ...rest], ctx);
  if (sub === 'check') return (await import('./system-check.ts')).default(rest, ctx);
  if (sub === undefined || sub === '--help' || sub === '-h') {
    process.stdout.write('Usage: rocker system df | rocker system prune [-a]\n');
    return 0;
  }
  process.stderr.write(`rocker: unknown system command "${sub}" (df, prune)\n`);
  return 1;
}
