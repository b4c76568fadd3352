import type { Context } from '../context.ts';
import { commandParser, parseArgs } from '../parse.ts';
import { UserError, oneLine } from '../../../common/errors.ts';
import { resolveContainer } from '../../../engine/container-store/store.ts';
import { stopContainer } from '../../../engine/runtime/lifecycle.ts';

export default async function stop(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('stop', 'Stop running containers: SIGTERM, then SIGKILL after a grace period')
    .argument('<container...>', 'names or id prefixes')
    .option('-t, --time <seconds>', 'seconds to wait after SIGTERM before SIGKILL', '10');
  const { opts, operands } = parseArgs<{ time: string }>(cmd, args);
  if (!/^\d+$/.test(opts.time)) throw new UserError(`invalid --time "${opts.time}": expected whole seconds`);
  let failed = 0;
  for (const text of operands) {
    try {
      await stopContainer(ctx.paths, resolveContainer(ctx.paths, text), Number(opts.time));
      process.stdout.write(`${text}\n`);
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      process.stderr.write(`rocker: ${oneLine(err)}\n`);
      failed++;
    }
  }
  return failed ? 1 : 0;
}
