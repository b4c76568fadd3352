import { UserError } from '../../../common/errors.ts';
import { openEngine } from '../../../engine/engine.ts';
import type { Context } from '../context.ts';
import { commandParser, parseArgs } from '../parse.ts';

export default async function run(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('inspect', 'Show images or containers as a JSON array').argument('<name...>', 'image NAME[:TAG] or id');
  const { operands } = parseArgs(cmd, args);
  const engine = openEngine(ctx.paths);
  const out: unknown[] = [];
  for (const text of operands) {
    try {
      out.push(engine.images.resolve(text));
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      throw new UserError(`no such image or container: ${text}`);
    }
  }
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  return 0;
}
