import type { Context } from '../context.ts';
import { commandParser, parseArgs } from '../parse.ts';
import { UserError } from '../../../common/errors.ts';
import { parseDockerTime } from '../../../common/timestamp.ts';

interface Flags {
  follow?: boolean;
  tail?: string;
  since?: string;
  until?: string;
  timestamps?: boolean;
}

const time = (flag: string, text: string | undefined) => {
  if (text === undefined) return undefined;
  const t = parseDockerTime(text);
  if (t === undefined) throw new UserError(`invalid ${flag} "${text}": expected an RFC 3339 time (2026-01-02T15:04:05Z), a Unix time (1767366245) or a duration back from now (10m, 1h30m)`);
  return t;
};

export default async function logs(args: string[], ctx: Context): Promise<void> {
  const cmd = commandParser('logs', "Print a container's output (its stdout on stdout, its stderr on stderr)")
    .argument('<container>', 'name or id prefix')
    .option('-f, --follow', 'keep printing new output until the container ends')
    .option('-n, --tail <lines>', 'only the last N lines ("all" for every line)')
    .option('-t, --timestamps', "start each line with the time it was written (RFC 3339, UTC)")
    .option('--since <time>', 'only lines written at or after this time: 2026-01-02T15:04:05Z, a Unix time, or a duration back from now such as 10m')
    .option('--until <time>', 'only lines written before this time (same forms as --since)');
  const { opts, operands } = parseArgs<Flags>(cmd, args);
  if (opts.tail !== undefined && !/^\d+$/.test(opts.tail) && opts.tail !== 'all') throw new UserError(`invalid --tail "${opts.tail}": expected a number of lines`);
  const tail = opts.tail === undefined || opts.tail === 'all' ? undefined : Number(opts.tail);
  const query = { tail, since: time('--since', opts.since), until: time('--until', opts.until), timestamps: !!opts.timestamps, follow: opts.follow };
  const out = { stdout: process.stdout, stderr: process.stderr };
  const write = (stream: 'stdout' | 'stderr', b: Uint8Array) => new Promise<void>((r) => out[stream].write(b, () => r()));
  const onTerminal = (name: string) => process.stderr.write(`rocker: note: container ${name} ran with a terminal; its output went there and is not logged\n`);
  await (await ctx.engine.containers()).logs(operands[0]!, { ...query, onTerminal }, write);
}
