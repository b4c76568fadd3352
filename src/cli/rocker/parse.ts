import { Option, type Command } from 'commander';
import { makeParser } from '../parse.ts';
import { TEMPLATE_FORMAT } from './template-format.ts';

export { collect, formatOption, parseArgs } from '../parse.ts';

/** A parser for one rocker command (`rocker run` stops options at the container's command itself). */
export function commandParser(name: string, description: string): Command {
  return makeParser('rocker', name, description);
}

export { isTemplate } from './template-format.ts';

/** `--format` of the listings that take Go templates (TEMPLATE_FORMAT), for commander. */
export function templateFormatOption(): Option {
  const [flags, description, extra] = TEMPLATE_FORMAT;
  return new Option(flags, description).default(typeof extra === 'object' ? extra.default : undefined);
}
