import { writeOut } from '../../entry.ts';
import { oneLine, UserError } from '../../../common/errors.ts';
import type { Context } from '../context.ts';
import { forEachOperand } from '../each.ts';
import { collect, commandParser, parseArgs } from '../parse.ts';

export default async function start(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('start', 'Start created or stopped containers (again, with the files they had)')
    .argument('[container...]', 'names or id prefixes')
    .option('-a, --attach', "stay attached to the container's output and exit with its code")
    .option('-i, --interactive', "connect stdin to the container's")
    .option('--all', 'start every stopped container the filters select (at boot: --filter restart-policy=always)')
    .option('-f, --filter <KEY=VALUE>', "with --all: ps's filters, and restart-policy (repeatable)", collect, []);
  const { opts, operands } = parseArgs<{ attach?: boolean; interactive?: boolean; all?: boolean; filter: string[] }>(cmd, args);
  const containers = await ctx.engine.containers();
  if (opts.all) {
    if (operands.length || opts.attach || opts.interactive) throw new UserError('start --all takes no container names, -a or -i');
    let failed = 0;
    for (const r of await containers.startAll(opts.filter)) {
      if (r.error === undefined) writeOut(`${r.name}\n`);
      else {
        process.stderr.write(`rocker: ${oneLine(r.error)}\n`);
        failed++;
      }
    }
    return failed ? 1 : 0;
  }
  if (operands.length === 0) throw new UserError("start needs a container (or --all): see 'rocker start --help'");
  if (opts.filter.length) throw new UserError('start --filter needs --all');
  const attach = !!opts.attach || !!opts.interactive;
  if (!attach) return forEachOperand(operands, (text) => containers.start(text, { attach: false, interactive: false }));
  if (operands.length > 1) throw new UserError('start -a and -i take one container');
  return (await containers.start(operands[0]!, { attach, interactive: !!opts.interactive })) ?? 0;
}
