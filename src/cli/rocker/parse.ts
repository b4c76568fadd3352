import { Command } from 'commander';

/**
 * A commander parser for one rocker command. Errors throw instead of exiting
 * so main() picks the exit code; options stop at the first operand so that
 * everything after a container's command belongs to the container.
 */
export function commandParser(name: string, description: string): Command {
  return new Command(`rocker ${name}`)
    .description(description)
    .exitOverride()
    .allowExcessArguments(false)
    .configureOutput({ outputError: (str, write) => write(`rocker: ${str.replace(/^error: /, '')}`) });
}

/** Parses `args` (the words after the command name) and returns options and operands. */
export function parseArgs<T>(cmd: Command, args: string[]): { opts: T; operands: string[] } {
  cmd.parse(args, { from: 'user' });
  return { opts: cmd.opts() as T, operands: cmd.args };
}
