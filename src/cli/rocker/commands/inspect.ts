import { writeOut } from '../../entry.ts';
import { oneLine, UserError } from '../../../common/errors.ts';
import type { Context } from '../context.ts';
import { commandParser, parseArgs } from '../parse.ts';

interface Flags {
  format?: string;
  type?: string;
}

export default async function run(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('inspect', "Show images or containers in Docker's inspect shape (an image name is tried first, as Docker does)")
    .argument('<name...>', 'image NAME[:TAG] or id, or container name or id')
    .option('-f, --format <template>', "a Go template, such as '{{.State.Status}}' or '{{json .Config}}'")
    .option('--type <type>', 'only look for an image or a container (image, container)');
  const { opts, operands } = parseArgs<Flags>(cmd, args);
  if (opts.type !== undefined && opts.type !== 'image' && opts.type !== 'container') throw new UserError(`invalid --type "${opts.type}": use image or container`);
  const out: unknown[] = [];
  let failed = false;
  for (const text of operands) {
    const found = await find(ctx, text, opts.type);
    if (found) out.push(found);
    else {
      process.stderr.write(`rocker: no such ${opts.type ?? 'image or container'}: ${text}\n`);
      failed = true;
    }
  }
  if (opts.format !== undefined) {
    const { renderTemplate } = await import('../template-output.ts');
    writeOut(renderTemplate(opts.format, out, {}));
  } else writeOut(`${JSON.stringify(out, null, 4)}\n`);
  return failed ? 1 : 0;
}

async function find(ctx: Context, text: string, type: string | undefined): Promise<unknown> {
  if (type !== 'container') {
    try {
      return await (await ctx.engine.images()).inspectDocker(text);
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      if (type === 'image' && !/^no such image/.test(oneLine(err))) throw err;
    }
  }
  if (type === 'image') return undefined;
  return (await ctx.engine.containers()).inspect(text);
}
