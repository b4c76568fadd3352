import type { Context } from '../context.ts';
import { parseCommand, type CommandSpec } from '../command-spec.ts';
import { forEachOperand } from '../each.ts';

export const RM: CommandSpec = {
  name: 'rm',
  summary: 'Remove containers and their files',
  argument: ['<container...>', 'names or id prefixes'],
  options: [
    ['-f, --force', 'kill a running container first; also clears a container whose record is damaged'],
    ['-v, --volumes', 'also remove the anonymous volumes (-v /path) of the containers'],
  ],
};

export default async function rm(args: string[], ctx: Context): Promise<number> {
  const { opts, operands } = await parseCommand<{ force?: boolean; volumes?: boolean }>(RM, args);
  const containers = await ctx.engine.containers();
  return forEachOperand(operands, (text) => containers.remove(text, !!opts.force, !!opts.volumes));
}
