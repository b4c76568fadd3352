import { constants } from 'node:os';
import type { Context } from '../context.ts';
import { forEachOperand } from '../each.ts';
import { commandParser, parseArgs } from '../parse.ts';
import { UserError } from '../../../common/errors.ts';

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
  const containers = await ctx.engine.containers();
  return forEachOperand(operands, (text) => containers.kill(text, signal));
}
