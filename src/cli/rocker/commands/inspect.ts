import { UserError } from '../../../common/errors.ts';
import type { Context } from '../context.ts';
import { commandParser, parseArgs } from '../parse.ts';

export default async function run(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('inspect', 'Show images or containers as a JSON array (an image name is tried first, as Docker does)')
    .argument('<name...>', 'image NAME[:TAG] or id, or container name or id');
  const { operands } = parseArgs(cmd, args);
  const images = await ctx.engine.images();
  const out: unknown[] = [];
  for (const text of operands) {
    try {
      out.push(images.inspect(text));
      continue;
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
    }
    const container = await (await ctx.engine.containers()).find(text);
    if (!container) throw new UserError(`no such image or container: ${text}`);
    out.push(container);
  }
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  return 0;
}
