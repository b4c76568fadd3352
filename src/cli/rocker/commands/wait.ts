import type { Context } from '../context.ts';
import { commandParser, parseArgs } from '../parse.ts';
import { resolveContainer } from '../../../engine/container-store/store.ts';
import { waitForEnd } from '../../../engine/runtime/lifecycle.ts';

export default async function wait(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('wait', 'Wait for containers to end and print their exit codes').argument('<container...>', 'names or id prefixes');
  const { operands } = parseArgs<object>(cmd, args);
  for (const text of operands) {
    const s = await waitForEnd(ctx.paths, resolveContainer(ctx.paths, text));
    process.stdout.write(`${s?.exitCode ?? 'unknown'}\n`);
  }
  return 0;
}
