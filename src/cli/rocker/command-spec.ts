// A command's options declared once as data: read by the quick scanner on the
// commands every script runs (run, stop, rm, ps, images), and turned into
// commander's parser only for --help, errors and the forms the scanner leaves
// to it. Loading commander and building its parser cost 3-5 ms a command
// (bench/README.md, issue 15).
import type { Command } from 'commander';
import { quickParse, quickParser, type OptionSpec } from '../quick-parse.ts';

export type { OptionSpec };

export interface CommandSpec {
  name: string;
  summary: string;
  /** Commander's argument: `<x...>` one or more operands, `<x>` one, `[x...]` any, `[x]` at most one; none: no operands. */
  argument?: readonly [name: string, description: string];
  options: readonly OptionSpec[];
  usage?: string;
  /** Options end at the first operand: the rest is the container's command (`run`). */
  passThrough?: boolean;
}

/** Whether `n` operands suit the argument (otherwise commander says what is wrong). */
function operandsFit(argument: CommandSpec['argument'], n: number): boolean {
  if (!argument) return n === 0;
  const [name] = argument;
  const many = name.endsWith('...>') || name.endsWith('...]');
  if (name.startsWith('<')) return many ? n >= 1 : n === 1;
  return many || n <= 1;
}

/** Commander's parser for `spec`. */
export async function commanderFor(spec: CommandSpec): Promise<Command> {
  const { collect, commandParser } = await import('./parse.ts');
  const cmd = commandParser(spec.name, spec.summary);
  if (spec.usage) cmd.usage(spec.usage);
  if (spec.passThrough) cmd.passThroughOptions().allowExcessArguments(true);
  if (spec.argument) cmd.argument(...spec.argument);
  for (const [flags, description, extra] of spec.options) {
    if (extra === true) cmd.option(flags, description, collect, []);
    else if (extra) cmd.option(flags, description, extra.default);
    else cmd.option(flags, description);
  }
  return cmd;
}

/** The options and operands of `args`, as commander would read them. */
export async function parseCommand<T>(spec: CommandSpec, args: string[]): Promise<{ opts: T; operands: string[] }> {
  const quick = quickParse(quickParser(spec.options), args, !!spec.passThrough);
  if (quick && operandsFit(spec.argument, quick.operands.length)) return quick as { opts: T; operands: string[] };
  const { parseArgs } = await import('./parse.ts');
  return parseArgs<T>(await commanderFor(spec), args);
}
