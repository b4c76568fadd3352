import { writeOut } from '../../entry.ts';
import { UserError } from '../../../common/errors.ts';
import type { Context } from '../context.ts';
import { commandParser, parseArgs } from '../parse.ts';

export default async function run(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('load', 'Load images from a docker save archive or an OCI image layout archive (plain or compressed)')
    .option('-i, --input <file>', 'read from FILE instead of standard input')
    .option('-q, --quiet', 'print nothing');
  const { opts } = parseArgs<{ input?: string; quiet?: boolean }>(cmd, args);
  if (!opts.input && process.stdin.isTTY) throw new UserError('load reads an archive from standard input, which is a terminal: use -i FILE or redirect the input');
  const loaded = await (await ctx.engine.images()).load(opts.input ?? '-');
  if (!opts.quiet) {
    const lines = loaded.map((r) => (r.name === 'untagged' ? `Loaded image ID: ${r.digest}` : `Loaded image: ${r.name}:${r.tag}`));
    writeOut(`${lines.join('\n')}\n`);
  }
  return 0;
}
