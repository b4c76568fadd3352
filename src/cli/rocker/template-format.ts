import type { OptionSpec } from '../quick-parse.ts';

/** `--format` of the listings that take Go templates, as Docker's do: table, json, or a template. */
export const TEMPLATE_FORMAT: OptionSpec = ['--format <format>', "table (default), json, or a Go template such as '{{.Names}}' or 'table {{.ID}}\\t{{.Status}}'", { default: 'table' }];

/** Whether `--format` is a Go template rather than one of the fixed formats. */
export function isTemplate(format: string | undefined): format is string {
  return format !== undefined && format !== 'table' && format !== 'json';
}
