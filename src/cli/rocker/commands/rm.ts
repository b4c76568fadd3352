import type { Context } from '../context.ts';
import { commandParser, parseArgs } from '../parse.ts';
import { UserError, oneLine } from '../../../common/errors.ts';
import { findContainer, matchingIds } from '../../../engine/container-store/store.ts';
import { removeContainer, removeFiles } from '../../../engine/runtime/lifecycle.ts';

export default async function rm(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('rm', 'Remove containers and their files')
    .argument('<container...>', 'names or id prefixes')
    .option('-f, --force', 'kill a running container first; also clears a container whose record is damaged');
  const { opts, operands } = parseArgs<{ force?: boolean }>(cmd, args);
  let failed = 0;
  for (const text of operands) {
    try {
      let rec;
      try {
        rec = findContainer(ctx.paths, text);
      } catch (err) {
        if (!opts.force) throw err;
      }
      if (rec) await removeContainer(ctx.paths, rec, !!opts.force, ctx.runtime);
      else {
        // A directory without a readable record (rocker killed mid-create, damaged file): named by its id, removed with -f.
        const ids = matchingIds(ctx.paths, text);
        if (ids.length !== 1) throw new UserError(`no such container: ${text}`);
        if (!opts.force) throw new UserError(`container ${text} has no valid record: remove it with 'rocker rm -f ${text}'`);
        await removeFiles(ctx.paths, ids[0]!, ctx.runtime);
      }
      process.stdout.write(`${text}\n`);
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      process.stderr.write(`rocker: ${oneLine(err)}\n`);
      failed++;
    }
  }
  return failed ? 1 : 0;
}
