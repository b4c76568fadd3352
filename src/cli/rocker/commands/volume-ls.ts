import { formatTable } from '../../../common/table.ts';
import type { Context } from '../context.ts';
import { commandParser, parseArgs } from '../parse.ts';

export default async function ls(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('volume ls', 'List volumes')
    .option('-q, --quiet', 'print only the names');
  const { opts } = parseArgs<{ quiet?: boolean }>(cmd, args);
  const volumes = (await ctx.engine.volumes()).list();
  if (opts.quiet) {
    if (volumes.length) process.stdout.write(`${volumes.map((v) => v.Name).join('\n')}\n`);
    return 0;
  }
  process.stdout.write(`${formatTable(['DRIVER', 'VOLUME NAME'], volumes.map((v) => [v.Driver, v.Name]))}\n`);
  return 0;
}
