import { writeOut } from '../../entry.ts';
import { formatTable } from '../../../common/table.ts';
import type { Context } from '../context.ts';
import { commandParser, formatOption, parseArgs } from '../parse.ts';

export default async function ls(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('network ls', 'List networks').option('-q, --quiet', 'print only the ids').addOption(formatOption());
  const { opts } = parseArgs<{ quiet?: boolean; format: string }>(cmd, args);
  const nets = await (await ctx.engine.networks()).list();
  if (opts.quiet) writeOut(nets.map((n) => `${n.id.slice(0, 12)}\n`).join(''));
  else if (opts.format === 'json') writeOut(`${JSON.stringify(nets, null, 2)}\n`);
  else writeOut(`${formatTable(['NETWORK ID', 'NAME', 'DRIVER', 'SUBNET', 'GATEWAY', 'BRIDGE'], nets.map((n) => [n.id.slice(0, 12), n.name, n.driver, n.subnet, n.gateway, n.bridge]))}\n`);
  return 0;
}
