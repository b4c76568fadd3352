import { formatTable } from '../../../common/table.ts';
import type { StatsRow } from '../../../engine/types.ts';
import type { Context } from '../context.ts';
import { renderTemplate } from '../template-output.ts';
import { commandParser, isTemplate, parseArgs, templateFormatOption } from '../parse.ts';

/** Docker's stats sizes: 1000-based for MB/GB and 1024-based within (its units.BytesSize): "1.5MiB". */
function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  for (; n >= 1024 && i < units.length - 1; i++) n /= 1024;
  return `${i === 0 ? n : n.toFixed(2).replace(/\.?0+$/, '')}${units[i]}`;
}

/** Docker's I/O sizes: decimal units, three significant digits (its units.HumanSizeWithPrecision): "1.23kB". */
function decimal(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let i = 0;
  for (; n >= 1000 && i < units.length - 1; i++) n /= 1000;
  return `${Number(n.toPrecision(3))}${units[i]}`;
}

const HEADERS = { ID: 'CONTAINER ID', Container: 'CONTAINER', Name: 'NAME', CPUPerc: 'CPU %', MemUsage: 'MEM USAGE / LIMIT', MemPerc: 'MEM %', NetIO: 'NET I/O', BlockIO: 'BLOCK I/O', PIDs: 'PIDS' };

function render(stats: StatsRow[], opts: { trunc: boolean; format: string }): string {
  const rows = stats.map((r) => ({
    ID: opts.trunc ? r.id.slice(0, 12) : r.id,
    Container: r.name,
    Name: r.name,
    CPUPerc: `${r.cpuPercent.toFixed(2)}%`,
    MemUsage: `${bytes(r.memory)} / ${bytes(r.memoryLimit)}`,
    MemPerc: `${((r.memory / r.memoryLimit) * 100).toFixed(2)}%`,
    NetIO: `${decimal(r.netRx)} / ${decimal(r.netTx)}`,
    BlockIO: `${decimal(r.blockRead)} / ${decimal(r.blockWrite)}`,
    PIDs: String(r.pids),
  }));
  if (opts.format === 'json') return `${JSON.stringify(rows, null, 2)}\n`;
  if (isTemplate(opts.format)) return renderTemplate(opts.format, rows, HEADERS);
  const columns = ['ID', 'Name', 'CPUPerc', 'MemUsage', 'MemPerc', 'NetIO', 'BlockIO', 'PIDs'] as const;
  return `${formatTable(columns.map((c) => HEADERS[c]), rows.map((r) => columns.map((c) => r[c])))}\n`;
}

export default async function stats(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('stats', "Containers' CPU, memory, network and block I/O and process counts, about every second (every running one by default; --no-stream: once)")
    .argument('[container...]', 'names or id prefixes')
    .option('--no-stream', 'print one reading and exit (default: a reading about every second until interrupted)')
    .option('--no-trunc', 'full ids')
    .addOption(templateFormatOption());
  const { opts, operands } = parseArgs<{ stream: boolean; trunc: boolean; format: string }>(cmd, args);
  const containers = await ctx.engine.containers();
  // Without --no-stream, Docker's stream: a reading about every second until interrupted (in a terminal, in place).
  for (let first = true; first || opts.stream; first = false) {
    const text = render(await containers.stats(operands), opts);
    process.stdout.write(opts.stream && process.stdout.isTTY ? `\x1b[2J\x1b[H${text}` : text);
    if (opts.stream) await new Promise((r) => setTimeout(r, 500));
  }
  return 0;
}
