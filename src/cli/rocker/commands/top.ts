import { writeOut } from '../../entry.ts';
import type { Context } from '../context.ts';
import { commandParser, parseArgs } from '../parse.ts';

export default async function top(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('top', "Show a running container's processes (the host's ps, default -ef)")
    .passThroughOptions()
    .allowExcessArguments(true)
    .argument('<container>', 'name or id prefix')
    .argument('[ps-options...]', 'options for ps, such as aux or -o pid,comm');
  const { operands } = parseArgs(cmd, args);
  const { header, rows } = await (await ctx.engine.containers()).top(operands[0]!, operands.slice(1));
  writeOut(`${[header, ...rows].join('\n')}\n`);
  return 0;
}
