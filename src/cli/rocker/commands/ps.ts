import type { Context } from '../context.ts';
import { commandParser, formatOption, parseArgs } from '../parse.ts';
import { formatLocalTime } from '../../../common/format.ts';
import { formatTable } from '../../../common/table.ts';
import type { ContainerStatus } from '../../../engine/types.ts';

interface Flags {
  all?: boolean;
  trunc: boolean;
  quiet?: boolean;
  format?: string;
}

/** A command line as a shell would show it: words with spaces or quotes are quoted. */
function showCommand(args: string[]): string {
  return args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`)).join(' ');
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The STATUS column: the state, with the exit code once the container has ended. */
export function describeStatus(s: ContainerStatus): string {
  return s.state === 'exited' ? `exited (${s.exitCode ?? 'unknown'})` : s.state;
}

export default async function ps(args: string[], ctx: Context): Promise<void> {
  const cmd = commandParser('ps', 'List containers (running ones; -a for all)')
    .option('-a, --all', 'show all containers, not only running ones')
    .option('-q, --quiet', 'print only the ids')
    .option('--no-trunc', 'full ids and commands')
    .addOption(formatOption());
  const { opts } = parseArgs<Flags>(cmd, args);
  const { containers, incomplete: broken } = await (await ctx.engine.containers()).list({ finishedAt: opts.format === 'json' });
  const rows = containers
    .filter((r) => opts.all || r.status.state === 'running')
    .reverse(); // newest first, as Docker lists them
  const incomplete = opts.all ? broken : [];
  if (opts.quiet) {
    const ids = [...rows.map((r) => r.rec.id), ...incomplete].map((id) => (opts.trunc ? id.slice(0, 12) : id));
    if (ids.length) process.stdout.write(`${ids.join('\n')}\n`);
    return;
  }
  if (opts.format === 'json') {
    const out = rows.map(({ rec, status, ports }) => ({
      id: rec.id,
      name: rec.name,
      image: `${rec.image.name}:${rec.image.tag}`,
      image_id: rec.image.digest,
      pid: status.pid ?? null,
      status: status.state as string,
      exit_code: status.exitCode ?? null,
      command: rec.command,
      created_time: formatLocalTime(new Date(rec.created)),
      created: rec.created,
      finished: status.finishedAt?.toISOString() ?? null,
      ports,
    }));
    for (const id of incomplete) out.push({ id, name: '', image: '', image_id: '', pid: null, status: 'incomplete', exit_code: null, command: [], created_time: '', created: '', finished: null, ports: [] });
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return;
  }
  const short = (id: string) => (opts.trunc ? id.slice(0, 12) : id);
  const table = rows.map(({ rec, status, ports }) => [
    short(rec.id),
    rec.name,
    `${rec.image.name}:${rec.image.tag}`,
    status.pid ? String(status.pid) : '-',
    describeStatus(status),
    opts.trunc ? truncate(showCommand(rec.command), 40) : showCommand(rec.command),
    formatLocalTime(new Date(rec.created)),
    ports.join(', '),
  ]);
  for (const id of incomplete) table.push([short(id), '-', '-', '-', 'incomplete (rm -f to remove)', '-', '-', '']);
  process.stdout.write(`${formatTable(['ID', 'NAME', 'IMAGE', 'PID', 'STATUS', 'COMMAND', 'CREATED', 'PORTS'], table)}\n`);
}
