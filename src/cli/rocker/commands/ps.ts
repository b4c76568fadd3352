import { writeOut } from '../../entry.ts';
import type { Context } from '../context.ts';
import { parseCommand, type CommandSpec } from '../command-spec.ts';
import { isTemplate, TEMPLATE_FORMAT } from '../template-format.ts';
import { UserError } from '../../../common/errors.ts';
import { formatLocalIso, formatSize } from '../../../common/format.ts';
import { formatTable } from '../../../common/table.ts';
import type { BrokenContainer, ContainerRow, ContainerStatus } from '../../../engine/types.ts';

interface Flags {
  all?: boolean;
  trunc: boolean;
  quiet?: boolean;
  format: string;
  filter: string[];
  last?: string;
  latest?: boolean;
  size?: boolean;
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
  if (s.state === 'exited' || s.state === 'restarting') return `${s.state} (${s.exitCode ?? 'unknown'})`;
  return s.paused ? 'paused' : s.health ? `${s.state} (${s.health})` : s.state;
}

function jsonRows(rows: ContainerRow[], incomplete: BrokenContainer[]): object[] {
  const out: object[] = rows.map(({ rec, status, size, ports }) => ({
    id: rec.id,
    name: rec.name,
    image: `${rec.image.name}:${rec.image.tag}`,
    image_id: rec.image.digest,
    pid: status.pid ?? null,
    status: status.state as string,
    exit_code: status.exitCode ?? null,
    command: rec.command,
    created_time: formatLocalIso(rec.created),
    created: rec.created,
    finished: status.finishedAt?.toISOString() ?? null,
    ports,
    ...(size === undefined ? {} : { size }),
  }));
  for (const b of incomplete) out.push({ id: b.id, name: b.name ?? '', image: '', image_id: '', pid: null, status: b.state, exit_code: null, command: [], created_time: '', created: '', finished: null, ports: [] });
  return out;
}

export const PS: CommandSpec = {
  name: 'ps',
  summary: 'List containers (running ones; -a for all)',
  options: [
    ['-a, --all', 'show all containers, not only running ones'],
    ['-q, --quiet', 'print only the ids'],
    ['--no-trunc', 'full ids and commands'],
    ['-f, --filter <KEY=VALUE>', 'id, name (a regular expression), label, status, ancestor, exited, volume, health, restart-policy, before, since (repeatable)', true],
    ['-n, --last <n>', 'the n containers created last, in any state'],
    ['-l, --latest', 'the container created last, in any state'],
    ['-s, --size', 'also show the bytes each container has written'],
    TEMPLATE_FORMAT,
  ],
};

export default async function ps(args: string[], ctx: Context): Promise<void> {
  const { opts } = await parseCommand<Flags>(PS, args);
  if (opts.last !== undefined && !/^\d+$/.test(opts.last)) throw new UserError(`invalid --last "${opts.last}": expected a whole number`);
  const last = opts.latest ? 1 : opts.last === undefined ? undefined : Number(opts.last);
  const template = isTemplate(opts.format);
  const { containers, broken } = await (await ctx.engine.containers()).list({
    finishedAt: opts.format !== 'table', startedAt: template, full: template, filters: opts.filter, size: opts.size,
  });
  // --last and --latest count every container, as Docker's do; -a is implied.
  const all = opts.all || last !== undefined || opts.filter.some((f) => /^(status|exited)=/.test(f));
  let rows = containers.filter((r) => all || r.status.state === 'running' || r.status.state === 'restarting').reverse(); // newest first, as Docker lists them
  if (last !== undefined) rows = rows.slice(0, last);
  const incomplete = opts.all && last === undefined ? broken : [];
  if (opts.quiet) {
    const ids = [...rows.map((r) => r.rec.id), ...incomplete.map((b) => b.id)].map((id) => (opts.trunc ? id.slice(0, 12) : id));
    if (ids.length) writeOut(`${ids.join('\n')}\n`);
    return;
  }
  if (opts.format === 'json') {
    writeOut(`${JSON.stringify(jsonRows(rows, incomplete), null, 2)}\n`);
    return;
  }
  if (template) {
    const [{ renderTemplate }, { containerView, PS_HEADERS }] = await Promise.all([import('../template-output.ts'), import('../container-view.ts')]);
    writeOut(renderTemplate(opts.format, rows.map((r) => containerView(r, opts.trunc)), PS_HEADERS));
    return;
  }
  const short = (id: string) => (opts.trunc ? id.slice(0, 12) : id);
  const table = rows.map(({ rec, status, size, ports }) => {
    const row = [
      short(rec.id),
      rec.name,
      `${rec.image.name}:${rec.image.tag}`,
      status.pid ? String(status.pid) : '-',
      describeStatus(status),
      opts.trunc ? truncate(showCommand(rec.command), 40) : showCommand(rec.command),
      formatLocalIso(rec.created),
      ports.join(', '),
    ];
    if (size !== undefined) row.push(formatSize(size));
    return row;
  });
  for (const b of incomplete) table.push([short(b.id), b.name ?? '-', '-', '-', `${b.state} (rm -f to remove)`, '-', '-', '', ...(opts.size ? ['-'] : [])]);
  const header = ['ID', 'NAME', 'IMAGE', 'PID', 'STATUS', 'COMMAND', 'CREATED', 'PORTS', ...(opts.size ? ['SIZE'] : [])];
  writeOut(`${formatTable(header, table)}\n`);
}
