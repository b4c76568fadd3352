import type { Context } from '../context.ts';
import { collect, commandParser, parseArgs } from '../parse.ts';
import { requireTerminalInput } from '../tty-input.ts';

interface Flags {
  interactive?: boolean;
  tty?: boolean;
  env: string[];
  user?: string;
  workdir?: string;
  detach?: boolean;
}

export default async function exec(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('exec', 'Run a command in a running container')
    .passThroughOptions()
    .allowExcessArguments(true)
    .argument('<container>', 'name or id prefix')
    .argument('<command...>', 'the command and its arguments')
    .option('-d, --detach', 'start the command in the background and return (its output is discarded)')
    .option('-i, --interactive', 'keep stdin attached')
    .option('-t, --tty', 'give the process a pseudo-terminal')
    .option('-e, --env <KEY=VAL>', 'set an environment variable (repeatable)', collect, [])
    .option('-u, --user <user[:group]>', 'user (name or uid) and group to run as')
    .option('-w, --workdir <dir>', 'working directory inside the container');
  const { opts, operands } = parseArgs<Flags>(cmd, args);
  const [text, ...command] = operands;
  const env = opts.env.map((e) => (e.includes('=') ? e : `${e}=${process.env[e] ?? ''}`));
  const req = { command, interactive: !!opts.interactive, tty: !!opts.tty, env, user: opts.user, workdir: opts.workdir, detach: !!opts.detach };
  if (!req.detach) requireTerminalInput(req.tty, req.interactive);
  return (await ctx.engine.containers()).exec(text!, req);
}
