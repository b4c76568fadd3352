import { writeOut } from '../../entry.ts';
import { formatSize } from '../../../common/format.ts';
import { formatRef } from '../../../engine/reference.ts';
import type { Context } from '../context.ts';
import { commandParser, parseArgs } from '../parse.ts';

export default async function prune(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('system prune', 'Remove stopped containers, untagged images (-a: every image no container uses), unused layers and blobs, and with --volumes unused volumes')
    .option('-a, --all', 'also remove images that no container uses')
    .option('--volumes', 'also remove volumes that no container uses')
    .option('-f, --force', 'do not prompt (rocker never prompts; accepted for Docker compatibility)');
  const { opts } = parseArgs<{ all?: boolean; volumes?: boolean }>(cmd, args);
  const r = await (await ctx.engine.system()).prune({ all: !!opts.all, volumes: !!opts.volumes });
  const out: string[] = [];
  if (r.containers.length) out.push('Deleted Containers:', ...r.containers, '');
  if (r.volumes.length) out.push('Deleted Volumes:', ...r.volumes, '');
  if (r.images.images.length) out.push('Deleted Images:', ...r.images.images.map((i) => `untagged: ${formatRef(i)}`), '');
  if (r.images.layers.length) out.push('Deleted Layers:', ...r.images.layers.map((l) => `deleted: ${l.diffId}`), '');
  out.push(`Total reclaimed space: ${formatSize(r.reclaimed)}`);
  writeOut(`${out.join('\n')}\n`);
  return 0;
}
