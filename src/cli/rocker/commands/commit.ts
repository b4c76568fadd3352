import { writeOut } from '../../entry.ts';
import type { Context } from '../context.ts';
import { commandParser, parseArgs } from '../parse.ts';
import { formatSize } from '../../../common/format.ts';

export default async function commit(args: string[], ctx: Context): Promise<void> {
  const cmd = commandParser('commit', "Create an image from a container's changes (a new layer over its image)")
    .argument('<container>', 'name or id prefix')
    .argument('<image>', 'NAME[:TAG] of the new image (tag defaults to latest)');
  const { operands } = parseArgs<object>(cmd, args);
  const image = await (await ctx.engine.containers()).commit(operands[0]!, operands[1]!);
  writeOut(`Committed ${image.name}:${image.tag} (ID: ${image.id}, Size: ${formatSize(image.size)})\n`);
}
