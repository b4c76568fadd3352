import { writeOut } from '../../entry.ts';
import { UserError } from '../../../common/errors.ts';
import type { Context } from '../context.ts';
import { commandParser, parseArgs } from '../parse.ts';

export default async function create(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('network create', 'Create a bridge network (its bridge appears when the first container joins)')
    .argument('<name>', 'the network name')
    .option('--subnet <cidr>', 'IPv4 subnet, e.g. 10.90.5.0/24 (default: a free /24 in 10.90.0.0/16)')
    .option('--gateway <ip>', "the bridge's address (default: the subnet's first address)")
    .option('--internal', 'no route out of the network (and the host has no address on it)')
    .option('-d, --driver <driver>', 'bridge (the only driver)', 'bridge');
  const { opts, operands } = parseArgs<{ subnet?: string; gateway?: string; driver: string; internal?: boolean }>(cmd, args);
  if (opts.driver !== 'bridge') throw new UserError(`network driver "${opts.driver}" is not supported: only bridge is`);
  const net = await (await ctx.engine.networks()).create({ name: operands[0]!, subnet: opts.subnet, gateway: opts.gateway, internal: opts.internal });
  writeOut(`${net.id}\n`);
  return 0;
}
