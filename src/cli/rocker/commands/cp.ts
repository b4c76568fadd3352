import { UserError } from '../../../common/errors.ts';
import type { Context } from '../context.ts';
import { commandParser, parseArgs } from '../parse.ts';

/** `CONTAINER:PATH`, Docker's form; a host path with a colon is written ./a:b or /a:b. */
function containerSide(arg: string): { container: string; path: string } | undefined {
  const m = /^([a-zA-Z0-9][a-zA-Z0-9_.-]*):(.*)$/.exec(arg);
  return m ? { container: m[1]!, path: m[2]! } : undefined;
}

export default async function cp(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('cp', 'Copy files between a container (running or not) and the host, owners, modes and links kept')
    .usage('[OPTIONS] CONTAINER:SRC DEST|-  |  [OPTIONS] SRC|- CONTAINER:DEST')
    .argument('<src>', 'CONTAINER:PATH, a host path, or - (a tar on stdin, extracted into the container directory DEST)')
    .argument('<dest>', 'a host path, CONTAINER:PATH, or - (a tar of SRC on stdout)')
    .option('-a, --archive', 'keep owners (rocker always does; accepted for Docker compatibility)');
  const { operands } = parseArgs(cmd, args);
  const [src, dest] = [operands[0]!, operands[1]!];
  const from = containerSide(src);
  const to = containerSide(dest);
  if (!!from === !!to) throw new UserError('cp copies between a container and the host: name the container on exactly one side, as CONTAINER:PATH');
  const containers = await ctx.engine.containers();
  if (dest === '-') await containers.copyTar(from!.container, from!.path || '/', { out: process.stdout });
  else if (src === '-') await containers.copyTar(to!.container, to!.path || '/', { input: process.stdin });
  else if (from) await containers.copy(from.container, 'from', from.path || '/', dest);
  else await containers.copy(to!.container, 'to', to!.path || '/', src);
  return 0;
}
