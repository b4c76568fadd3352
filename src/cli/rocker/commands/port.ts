import { writeOut } from '../../entry.ts';
import type { Context } from '../context.ts';
import { commandParser, parseArgs } from '../parse.ts';

export default async function port(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('port', "List a container's published ports, or the host address of one")
    .argument('<container>', 'name or id prefix')
    .argument('[port]', 'PORT[/tcp|udp]: only this container port');
  const { operands } = parseArgs(cmd, args);
  // Published ports exist while the container runs (Docker shows none for a stopped container).
  const { ports } = await (await ctx.engine.networks()).ports(operands[0]!, operands[1]);
  const host = (p: (typeof ports)[number]) => `${p.hostIp || '0.0.0.0'}:${p.hostPort}`;
  writeOut(ports.map((p) => (operands[1] === undefined ? `${p.containerPort}/${p.protocol} -> ${host(p)}\n` : `${host(p)}\n`)).join(''));
  return 0;
}
