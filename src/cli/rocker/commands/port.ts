import { UserError } from '../../../common/errors.ts';
import { resolveContainer } from '../../../engine/container-store/store.ts';
import { readAttachment } from '../../../engine/network/attachment.ts';
import type { Context } from '../context.ts';
import { commandParser, parseArgs } from '../parse.ts';

export default async function port(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('port', "List a container's published ports, or the host address of one")
    .argument('<container>', 'name or id prefix')
    .argument('[port]', 'PORT[/tcp|udp]: only this container port');
  const { operands } = parseArgs(cmd, args);
  const rec = resolveContainer(ctx.paths, operands[0]!);
  // Published ports exist while the container runs (Docker shows none for a stopped container).
  let ports = readAttachment(ctx.paths, rec.id)?.ports ?? [];
  const want = operands[1];
  if (want !== undefined) {
    const m = /^(\d+)(?:\/(tcp|udp))?$/.exec(want);
    if (!m) throw new UserError(`invalid port "${want}": expected PORT[/tcp|udp]`);
    ports = ports.filter((p) => p.containerPort === Number(m[1]) && p.protocol === (m[2] ?? 'tcp'));
    if (!ports.length) throw new UserError(`no public port '${want}' published for ${rec.name}`);
    process.stdout.write(ports.map((p) => `${p.hostIp || '0.0.0.0'}:${p.hostPort}\n`).join(''));
    return 0;
  }
  process.stdout.write(ports.map((p) => `${p.containerPort}/${p.protocol} -> ${p.hostIp || '0.0.0.0'}:${p.hostPort}\n`).join(''));
  return 0;
}
