// Go-template output for --format, as Docker's CLI does it: one rendering per
// row, or with a "table" prefix a header row and columns aligned at tabs.
// Loaded only when a template is given.
import { UserError } from '../../common/errors.ts';
import { compileTemplate, goMap, TemplateError } from '../../common/go-template.ts';

/** Docker's text/tabwriter settings (minimum width 10, padding 3): cells padded to their column's widest. */
function tabwrite(lines: string[]): string {
  const rows = lines.map((l) => l.split('\t'));
  const widths: number[] = [];
  for (const r of rows) r.slice(0, -1).forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 10, cell.length + 3)));
  return rows.map((r) => r.map((cell, i) => (i < r.length - 1 ? cell.padEnd(widths[i]!) : cell)).join('').trimEnd()).join('\n');
}

/**
 * Renders `rows` with the template `format` (Docker's `\t` and `\n`
 * escapes are understood). `headers` names the columns of a table: the
 * header row is the template rendered over them.
 */
export function renderTemplate(format: string, rows: unknown[], headers: Record<string, string>): string {
  let src = format.replace(/\\t/g, '\t').replace(/\\n/g, '\n');
  const table = /^table\s*/.exec(src);
  if (table) src = src.slice(table[0].length);
  try {
    const t = compileTemplate(src);
    const lines = rows.map((r) => t.render(r));
    if (!table) return lines.map((l) => `${l}\n`).join('');
    return `${tabwrite([t.render(goMap({ ...headers })), ...lines])}\n`;
  } catch (err) {
    if (err instanceof TemplateError) throw new UserError(`invalid --format ${JSON.stringify(format)}: template: ${err.message}`);
    throw err;
  }
}

/** Marks an object whose keys are data (labels): a missing key renders as "<no value>", not an error. */
export { goMap };
