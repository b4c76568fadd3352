import { writeOut } from '../../entry.ts';
import type { Context } from '../context.ts';
import { commandParser, parseArgs } from '../parse.ts';

export default async function generate(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('kube generate', 'Print Kubernetes YAML for containers and pods: a Pod each (a pod with all its containers)')
    .argument('<container-or-pod...>', 'names or id prefixes')
    .option('-s, --service', 'add a Service (NodePort) for the published ports of each');
  const { opts, operands } = parseArgs<{ service?: boolean }>(cmd, args);
  writeOut(await (await ctx.engine.kube()).generate(operands, !!opts.service));
  return 0;
}
