import { UserError } from '../../../common/errors.ts';
import { formatTable } from '../../../common/table.ts';
import type { Context } from '../context.ts';
import { commandParser, isTemplate, parseArgs, templateFormatOption } from '../parse.ts';

/** Docker's stats sizes: 1000-based for MB/GB and 1024-based within (its units.BytesSize): "1.5MiB". */
function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  for (; n >= 1024 && i < units.length - 1; i++) n /= 1024;
  return `${i === 0 ? n : n.toFixed(2).replace(/\.?0+$/, '')}${units[i]}`;
}

const HEADERS = { ID: 'CONTAINER ID', Container: 'CONTAINER', Name: 'NAME', CPUPerc: 'CPU %', MemUsage: 'MEM USAGE / LIMIT', MemPerc: 'MEM %', PIDs: 'PIDS' };

export default async function stats(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('stats', "One reading of containers' CPU, memory and process counts (every running one by default)")
    .argument('[container...]', 'names or id prefixes')
    .option('--no-stream', 'print one reading and exit (the only mode rocker has)')
    .option('--no-trunc', 'full ids')
    .addOption(templateFormatOption());
  const { opts, operands } = parseArgs<{ stream: boolean; trunc: boolean; format: string }>(cmd, args);
  if (opts.stream && process.stdout.isTTY) throw new UserError('stats streams only with --no-stream for now: add --no-stream');
  const rows = (await (await ctx.engine.containers()).stats(operands)).map((r) => ({
    ID: opts.trunc ? r.id.slice(0, 12) : r.id,
    Container: r.name,
    Name: r.name,
    CPUPerc: `${r.cpuPercent.toFixed(2)}%`,
    MemUsage: `${bytes(r.memory)} / ${bytes(r.memoryLimit)}`,
    MemPerc: `${((r.memory / r.memoryLimit) * 100).toFixed(2)}%`,
    PIDs: String(r.pids),
  }));
  if (opts.format === 'json') process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  else if (isTemplate(opts.format)) process.stdout.write((await import('../template-output.ts')).renderTemplate(opts.format, rows, HEADERS));
  else process.stdout.write(`${formatTable(['CONTAINER ID', 'NAME', 'CPU %', 'MEM USAGE / LIMIT', 'MEM %', 'PIDS'], rows.map((r) => [r.ID, r.Name, r.CPUPerc, r.MemUsage, r.MemPerc, r.PIDs]))}\n`);
  return 0;
}
