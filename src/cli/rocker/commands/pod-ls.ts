import { writeOut } from '../../entry.ts';
import { formatAge } from '../../../common/format.ts';
import { formatTable } from '../../../common/table.ts';
import type { Context } from '../context.ts';
import { commandParser, parseArgs } from '../parse.ts';

export default async function ls(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('pod ls', 'List pods')
    .option('-q, --quiet', 'print only the ids')
    .option('--no-trunc', 'print whole ids')
    .option('--format <format>', 'json: the rows as JSON');
  const { opts } = parseArgs<{ quiet?: boolean; trunc: boolean; format?: string }>(cmd, args);
  const rows = (await ctx.engine.pods()).list();
  const id = (s: string) => (opts.trunc ? s.slice(0, 12) : s);
  if (opts.quiet) {
    if (rows.length) writeOut(`${rows.map((r) => id(r.pod.id)).join('\n')}\n`);
  } else if (opts.format === 'json') {
    writeOut(`${JSON.stringify(rows.map((r) => ({ Id: r.pod.id, Name: r.pod.name, State: r.state, Created: r.pod.created, Containers: r.members.map((m) => ({ Id: m.id, Name: m.name, State: m.state })) })), null, 2)}\n`);
  } else {
    const table = rows.map((r) => [id(r.pod.id), r.pod.name, r.state, formatAge(new Date(r.pod.created)), String(r.members.length)]);
    writeOut(`${formatTable(['POD ID', 'NAME', 'STATUS', 'CREATED', '# OF CONTAINERS'], table)}\n`);
  }
  return 0;
}
