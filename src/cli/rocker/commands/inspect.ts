import { UserError } from '../../../common/errors.ts';
import { containerStatus, findContainer } from '../../../engine/container-store/index.ts';
import { openEngine } from '../../../engine/engine.ts';
import { networkSettings } from '../../../engine/network/attachment.ts';
import type { Context } from '../context.ts';
import { commandParser, parseArgs } from '../parse.ts';

export default async function run(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('inspect', 'Show images or containers as a JSON array (an image name is tried first, as Docker does)')
    .argument('<name...>', 'image NAME[:TAG] or id, or container name or id');
  const { operands } = parseArgs(cmd, args);
  const engine = openEngine(ctx.paths);
  const out: unknown[] = [];
  for (const text of operands) {
    try {
      out.push(engine.images.resolve(text));
      continue;
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
    }
    const rec = findContainer(ctx.paths, text);
    if (!rec) throw new UserError(`no such image or container: ${text}`);
    const net = networkSettings(ctx.paths, rec.id);
    out.push({ ...rec, state: containerStatus(ctx.paths, rec), ...(net ? { NetworkSettings: net } : {}) });
  }
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  return 0;
}
