import { writeOut } from '../../entry.ts';
import { UserError } from '../../../common/errors.ts';
import type { Context } from '../context.ts';
import { parseLabels } from '../../../common/labels.ts';
import { collect, commandParser, parseArgs } from '../parse.ts';

export default async function create(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('volume create', 'Create a named volume (a random name if none is given); an existing one is kept as it is')
    .argument('[name]', 'the volume name')
    .option('-d, --driver <driver>', 'volume driver (only local)', 'local')
    .option('-l, --label <KEY=VAL>', 'set a label (repeatable)', collect, [])
    .option('-o, --opt <KEY=VAL>', 'driver option (none is supported)', collect, []);
  const { opts, operands } = parseArgs<{ driver: string; label: string[]; opt: string[] }>(cmd, args);
  if (opts.driver !== 'local') throw new UserError(`volume driver "${opts.driver}" is not supported: only local`);
  if (opts.opt.length) throw new UserError(`volume driver options are not supported: ${opts.opt[0]}`);
  const volume = (await ctx.engine.volumes()).create(operands[0], parseLabels(opts.label, []));
  writeOut(`${volume.Name}\n`);
  return 0;
}
