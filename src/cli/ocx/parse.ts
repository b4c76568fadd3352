import type { Command } from 'commander';
import { makeParser } from '../parse.ts';

export { parseArgs } from '../parse.ts';

/** A parser for one ocx command. */
export function commandParser(name: string, description: string): Command {
  return makeParser('ocx', name, description);
}
