import { Option, type Command } from 'commander';
import { makeParser } from '../parse.ts';

export { collect, formatOption, parseArgs } from '../parse.ts';

/** A parser for one rocker command (`rocker run` stops options at the container's command itself). */
export function commandParser(name: string, description: string): Command {
  return makeParser('rocker', name, description);
}

/** `--format` of the listings that take Go templates, as Docker's do: table, json, or a template. */
export function templateFormatOption(): Option {
  return new Option('--format <format>', "table (default), json, or a Go template such as '{{.Names}}' or 'table {{.ID}}\\t{{.Status}}'").default('table');
}

/** Whether `--format` is a Go template rather than one of the fixed formats. */
export function isTemplate(format: string | undefined): format is string {
  return format !== undefined && format !== 'table' && format !== 'json';
}
