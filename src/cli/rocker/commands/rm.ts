import type { Context } from '../context.ts';
import { forEachOperand } from '../each.ts';
import { commandParser, parseArgs } from '../parse.ts';

export default async function rm(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('rm', 'Remove containers and their files')
    .argument('<container...>', 'names or id prefixes')
    .option('-f, --force', 'kill a running container first; also clears a container whose record is damaged')
    .option('-v, --volumes', 'also remove the anonymous volumes (-v /path) of the containers');
  const { opts, operands } = parseArgs<{ force?: boolean; volumes?: boolean }>(cmd, args);
  const containers = await ctx.engine.containers();
  return forEachOperand(operands, (text) => containers.remove(text, !!opts.force, !!opts.volumes));
}
