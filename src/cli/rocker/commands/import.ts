import { writeOut } from '../../entry.ts';
import { formatSize } from '../../../common/format.ts';
import type { Context } from '../context.ts';
import { commandParser, parseArgs } from '../parse.ts';

export default async function run(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('import', 'Import a root filesystem tarball (plain, gzip, bzip2, xz or zstd; - for stdin) as an image')
    .argument('<tar-file>', 'the tarball, or - to read standard input')
    .argument('<image>', 'NAME[:TAG] (tag defaults to latest)');
  const { operands } = parseArgs(cmd, args);
  const image = await (await ctx.engine.images()).import(operands[0]!, operands[1]!);
  writeOut(`Imported ${image.name}:${image.tag} (ID: ${image.id.slice(0, 8)}, Size: ${formatSize(image.size)})\n`);
  return 0;
}
