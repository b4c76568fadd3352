import { writeOut } from '../../entry.ts';
import type { Context } from '../context.ts';
import { commandParser, parseArgs } from '../parse.ts';
import { printWarnings, readKubeInput } from '../kube-input.ts';

export default async function down(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('kube down', 'Remove the pods, containers and volumes kube play made from the same YAML')
    .argument('<file>', 'the YAML file, or - for stdin');
  const { operands } = parseArgs(cmd, args);
  const { text, source } = await readKubeInput(operands[0]!);
  const report = await (await ctx.engine.kube()).down(text, source);
  printWarnings(report.warnings);
  for (const p of report.pods) writeOut(`Pod: ${p}\n`);
  for (const v of report.volumes) writeOut(`Volume: ${v}\n`);
  return 0;
}
