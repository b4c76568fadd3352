import { writeOut } from '../../entry.ts';
import { UserError } from '../../../common/errors.ts';
import { formatTable } from '../../../common/table.ts';
import type { SearchResult } from '../../../engine/types.ts';
import type { Context } from '../context.ts';
import { collect, commandParser, isTemplate, parseArgs, templateFormatOption } from '../parse.ts';

interface Flags {
  limit?: string;
  filter: string[];
  format: string;
  trunc: boolean;
  listTags?: boolean;
  insecure?: boolean;
}

const HEADERS: Record<string, string> = { Name: 'NAME', Description: 'DESCRIPTION', StarCount: 'STARS', IsOfficial: 'OFFICIAL', IsAutomated: 'AUTOMATED', Tag: 'TAG' };

/** Docker's search filters: stars=N (at least N), is-official and is-automated (true|false). */
function filterOf(text: string): (r: SearchResult) => boolean {
  const bad = (why: string) => new UserError(`invalid --filter "${text}": ${why}`);
  const eq = text.indexOf('=');
  const [key, value] = eq < 0 ? [text, ''] : [text.slice(0, eq), text.slice(eq + 1)];
  if (key === 'stars') {
    if (!/^\d+$/.test(value)) throw bad('stars takes a number');
    return (r) => r.starCount >= Number(value);
  }
  if (key === 'is-official' || key === 'is-automated') {
    if (value !== 'true' && value !== 'false') throw bad(`${key} takes true or false`);
    const field = key === 'is-official' ? 'isOfficial' : 'isAutomated';
    return (r) => r[field] === (value === 'true');
  }
  throw bad('expected stars=N, is-official=true|false or is-automated=true|false');
}

/** Docker cuts descriptions to 45 characters, the last an ellipsis. */
const cut = (s: string, trunc: boolean) => (trunc && s.length > 45 ? `${s.slice(0, 44)}…` : s);

async function print(rows: Array<Record<string, unknown>>, columns: string[], format: string): Promise<void> {
  if (format === 'json') {
    writeOut(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  if (isTemplate(format)) {
    const { renderTemplate } = await import('../template-output.ts');
    writeOut(renderTemplate(format, rows, HEADERS));
    return;
  }
  const cell = (v: unknown, c: string) => (c === 'IsOfficial' ? (v ? '[OK]' : '') : String(v));
  writeOut(`${formatTable(columns.map((c) => HEADERS[c]!), rows.map((r) => columns.map((c) => cell(r[c], c))))}\n`);
}

export default async function search(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('search', "Search a registry for repositories: its v1 search, else its catalog's names that contain TERM")
    .argument('<term>', 'what to look for; REGISTRY/TERM searches that registry (else the one pull uses for a bare name)')
    .option('--limit <n>', 'at most N results (1-100, default 25)')
    .option('-f, --filter <KEY=VALUE>', 'stars=N, is-official=true|false, is-automated=true|false (repeatable)', collect, [])
    .option('--no-trunc', 'full descriptions')
    .option('--list-tags', "list the tags of the repository TERM names (REGISTRY/REPOSITORY), as Podman does")
    .option('--insecure', 'use plain HTTP for this registry (always used for localhost and 127.0.0.1)')
    .addOption(templateFormatOption());
  const { opts, operands } = parseArgs<Flags>(cmd, args);
  const limitText = opts.limit ?? '25';
  const limit = Number(limitText);
  if (!/^\d+$/.test(limitText) || limit < 1 || limit > 100) throw new UserError(`invalid --limit "${limitText}": expected a number from 1 to 100`);
  const filters = opts.filter.map(filterOf);
  const registry = await ctx.engine.registry();
  const term = operands[0]!;
  if (opts.listTags) {
    const tags = await registry.listTags(term, { limit, insecure: opts.insecure });
    await print(tags.map((t) => ({ Name: t.name, Tag: t.tag })), ['Name', 'Tag'], opts.format);
    return 0;
  }
  const found = (await registry.search(term, { limit, insecure: opts.insecure })).filter((r) => filters.every((f) => f(r)));
  const rows = found.map((r) => ({ Name: r.name, Description: cut(r.description, opts.trunc), StarCount: r.starCount, IsOfficial: r.isOfficial, IsAutomated: r.isAutomated }));
  await print(rows, ['Name', 'Description', 'StarCount', 'IsOfficial'], opts.format);
  return 0;
}
