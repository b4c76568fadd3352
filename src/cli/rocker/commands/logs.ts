import type { Context } from '../context.ts';
import { commandParser, parseArgs } from '../parse.ts';
import { UserError } from '../../../common/errors.ts';

export default async function logs(args: string[], ctx: Context): Promise<void> {
  const cmd = commandParser('logs', "Print a container's output (stdout and stderr, in the order written)")
    .argument('<container>', 'name or id prefix')
    .option('-f, --follow', 'keep printing new output until the container ends')
    .option('-n, --tail <lines>', 'only the last N lines');
  const { opts, operands } = parseArgs<{ follow?: boolean; tail?: string }>(cmd, args);
  if (opts.tail !== undefined && !/^\d+$/.test(opts.tail) && opts.tail !== 'all') throw new UserError(`invalid --tail "${opts.tail}": expected a number of lines`);
  const tail = opts.tail === undefined || opts.tail === 'all' ? undefined : Number(opts.tail);
  const write = (b: Uint8Array) => new Promise<void>((r) => process.stdout.write(b, () => r()));
  const onTerminal = (name: string) => process.stderr.write(`rocker: note: container ${name} ran with a terminal; its output went there and is not logged\n`);
  await (await ctx.engine.containers()).logs(operands[0]!, { tail, follow: opts.follow, onTerminal }, write);
}
