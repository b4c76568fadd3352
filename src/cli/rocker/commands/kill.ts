import { constants } from 'node:os';
import type { Context } from '../context.ts';
import { forEachOperand } from '../each.ts';
import { commandParser, parseArgs } from '../parse.ts';
import { UserError } from '../../../common/errors.ts';
import { resolveContainer } from '../../../engine/container-store/store.ts';
import { signalContainer } from '../../../engine/runtime/lifecycle.ts';

/** "KILL", "SIGKILL", "9" to a signal. */
function parseSignal(text: string): NodeJS.Signals | number {
  if (/^\d+$/.test(text)) return Number(text);
  const name = (text.toUpperCase().startsWith('SIG') ? text.toUpperCase() : `SIG${text.toUpperCase()}`) as NodeJS.Signals;
  if (!(name in constants.signals)) throw new UserError(`invalid signal "${text}"`);
  return name;
}

export default async function kill(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('kill', "Send a signal to containers' main process")
    .argument('<container...>', 'names or id prefixes')
    .option('-s, --signal <signal>', 'signal to send', 'KILL');
  const { opts, operands } = parseArgs<{ signal: string }>(cmd, args);
  const signal = parseSignal(opts.signal);
  return forEachOperand(operands, (text) => {
    const rec = resolveContainer(ctx.paths, text);
    if (!signalContainer(ctx.paths, rec, signal)) throw new UserError(`container ${rec.name} is not running`);
  });
}
