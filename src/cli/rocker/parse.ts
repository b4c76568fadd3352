import type { Command } from 'commander';
import { makeParser } from '../parse.ts';

export { formatOption, parseArgs } from '../parse.ts';

/** A parser for one rocker command (`rocker run` stops options at the container's command itself). */
export function commandParser(name: string, description: string): Command {
  return makeParser('rocker', name, description);
}
