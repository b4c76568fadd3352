import type { Context } from '../context.ts';
import { commandParser, parseArgs } from '../parse.ts';
import { UserError } from '../../../common/errors.ts';
import { resolveContainer } from '../../../engine/container-store/store.ts';
import { followLog, readLog } from '../../../engine/container-store/logs.ts';

export default async function logs(args: string[], ctx: Context): Promise<void> {
  const cmd = commandParser('logs', "Print a container's output (stdout and stderr, in the order written)")
    .argument('<container>', 'name or id prefix')
    .option('-f, --follow', 'keep printing new output until the container ends')
    .option('-n, --tail <lines>', 'only the last N lines');
  const { opts, operands } = parseArgs<{ follow?: boolean; tail?: string }>(cmd, args);
  if (opts.tail !== undefined && !/^\d+$/.test(opts.tail) && opts.tail !== 'all') throw new UserError(`invalid --tail "${opts.tail}": expected a number of lines`);
  const tail = opts.tail === undefined || opts.tail === 'all' ? undefined : Number(opts.tail);
  const rec = resolveContainer(ctx.paths, operands[0]!);
  const write = (b: Uint8Array) => new Promise<void>((r) => process.stdout.write(b, () => r()));
  if (rec.options.tty) process.stderr.write(`rocker: note: container ${rec.name} ran with a terminal; its output went there and is not logged\n`);
  const offset = await readLog(ctx.paths, rec, tail, write);
  if (opts.follow) await followLog(ctx.paths, rec, offset, write);
}
