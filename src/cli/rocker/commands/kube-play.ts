import { writeOut } from '../../entry.ts';
import type { Context } from '../context.ts';
import { commandParser, parseArgs } from '../parse.ts';
import { printWarnings, readKubeInput } from '../kube-input.ts';

export default async function play(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('kube play', 'Create and start pods, containers and volumes from Kubernetes YAML (Pod, Deployment, ConfigMap, Secret, PersistentVolumeClaim)')
    .argument('<file>', 'the YAML file, or - for stdin')
    .option('--replace', 'take down what an earlier play of this YAML made first');
  const { opts, operands } = parseArgs<{ replace?: boolean }>(cmd, args);
  const { text, source } = await readKubeInput(operands[0]!);
  const report = await (await ctx.engine.kube()).play(text, source, !!opts.replace);
  printWarnings(report.warnings);
  for (const v of report.volumes) writeOut(`Volume: ${v}\n`);
  for (const p of report.pods) {
    writeOut(`Pod: ${p.name}\n`);
    for (const c of p.containers) writeOut(`Container: ${c}\n`);
  }
  return 0;
}
