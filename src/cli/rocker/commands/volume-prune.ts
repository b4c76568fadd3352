import { writeOut } from '../../entry.ts';
import { formatSize } from '../../../common/format.ts';
import type { Context } from '../context.ts';
import { commandParser, parseArgs } from '../parse.ts';

export default async function prune(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('volume prune', 'Remove every volume no container uses')
    .option('-a, --all', "accepted for Docker compatibility: rocker's volumes are all named, and all are pruned")
    .option('-f, --force', 'do not prompt (rocker never prompts; accepted for Docker compatibility)');
  parseArgs(cmd, args);
  const report = await (await ctx.engine.volumes()).prune();
  const out = report.names.length ? ['Deleted Volumes:', ...report.names, ''] : [];
  out.push(`Total reclaimed space: ${formatSize(report.reclaimed)}`);
  writeOut(`${out.join('\n')}\n`);
  return 0;
}
