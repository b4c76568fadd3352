import { Command, Help, Option } from 'commander';

/**
 * A commander parser for one command of `prog`. Errors throw instead of
 * exiting, so the entry point picks the exit code; messages read
 * "prog: unknown option '--x'".
 */
export function makeParser(prog: string, name: string, description: string): Command {
  return new Command(`${prog} ${name}`)
    .description(description)
    .exitOverride()
    .allowExcessArguments(false)
    .configureOutput({ outputError: (str, write) => write(`${prog}: ${str.replace(/^error: /, '')}`) })
    // A repeatable option starts from an empty list: "(default: [])" in the help says nothing.
    .configureHelp({ optionDescription: (o) => new Help().optionDescription(o).replace(/ \(default: \[\]\)$/, '') });
}

/** Parses `args` (the words after the command name) and returns options and operands. */
export function parseArgs<T>(cmd: Command, args: string[]): { opts: T; operands: string[] } {
  cmd.parse(args, { from: 'user' });
  return { opts: cmd.opts() as T, operands: cmd.args };
}

/** `--format table|json` (default table), checked by commander like any other choice. */
export function formatOption(): Option {
  return new Option('--format <format>', 'output format').choices(['table', 'json']).default('table');
}

/** The argument parser of a repeatable option (`-e A -e B`): the values in order. */
export const collect = (v: string, prev: string[]): string[] => [...prev, v];
