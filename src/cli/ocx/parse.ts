import { Command } from 'commander';

/** A commander parser for one ocx command; errors throw so main() picks the exit code. */
export function commandParser(name: string, description: string): Command {
  return new Command(`ocx ${name}`)
    .description(description)
    .exitOverride()
    .allowExcessArguments(false)
    .configureOutput({ outputError: (str, write) => write(`ocx: ${str.replace(/^error: /, '')}`) });
}

export function parseArgs<T>(cmd: Command, args: string[]): { opts: T; operands: string[] } {
  cmd.parse(args, { from: 'user' });
  return { opts: cmd.opts() as T, operands: cmd.args };
}
