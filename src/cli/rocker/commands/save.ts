import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { UserError, describeFsError } from '../../../common/errors.ts';
import type { Context } from '../context.ts';
import { commandParser, parseArgs } from '../parse.ts';

export default async function run(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('save', 'Save images to a tar archive that docker load, podman load and OCI tools read')
    .argument('<image...>', 'NAME[:TAG] or image id')
    .option('-o, --output <file>', 'write to FILE instead of standard output');
  const { opts, operands } = parseArgs<{ output?: string }>(cmd, args);
  const images = await ctx.engine.images();
  if (!opts.output) {
    if (process.stdout.isTTY) throw new UserError('refusing to write an archive to a terminal: use -o FILE or redirect the output');
    await images.save(operands, process.stdout);
    return 0;
  }
  // Written next to the target and renamed: an interrupted save leaves no half archive under the name.
  const tmp = `${opts.output}.rocker-${process.pid}.tmp`;
  const out = createWriteStream(tmp, { flags: 'wx' });
  const opened = new Promise<void>((resolve, reject) => {
    out.once('open', () => resolve());
    out.once('error', (e) => reject(new UserError(`cannot write ${opts.output}: ${describeFsError(e)}`)));
  });
  try {
    await opened;
    await images.save(operands, out);
    await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
    renameSync(tmp, opts.output);
  } catch (e) {
    out.destroy();
    rmSync(tmp, { force: true });
    throw e;
  }
  return 0;
}
