import { writeOut } from '../../entry.ts';
import { oneLine, UserError } from '../../../common/errors.ts';
import type { Context } from '../context.ts';
import { commandParser, parseArgs } from '../parse.ts';

export default async function inspect(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('volume inspect', 'Show volumes as a JSON array')
    .argument('<name...>', 'volume names');
  const { operands } = parseArgs(cmd, args);
  const volumes = await ctx.engine.volumes();
  const out: unknown[] = [];
  let failed = false;
  // Docker prints what it found and names what it did not, exit 1.
  for (const name of operands) {
    try {
      out.push(volumes.inspect(name));
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      process.stderr.write(`rocker: ${oneLine(err)}\n`);
      failed = true;
    }
  }
  writeOut(`${JSON.stringify(out, null, 4)}\n`);
  return failed ? 1 : 0;
}
