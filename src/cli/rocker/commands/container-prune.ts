import { writeOut } from '../../entry.ts';
import { formatSize } from '../../../common/format.ts';
import type { Context } from '../context.ts';
import { commandParser, parseArgs } from '../parse.ts';

export default async function prune(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('container prune', 'Remove every container that is not running')
    .option('-f, --force', 'do not prompt (rocker never prompts; accepted for Docker compatibility)');
  parseArgs(cmd, args);
  const report = await (await ctx.engine.containers()).prune();
  const out = report.ids.length ? ['Deleted Containers:', ...report.ids, ''] : [];
  out.push(`Total reclaimed space: ${formatSize(report.reclaimed)}`);
  writeOut(`${out.join('\n')}\n`);
  return 0;
}
