import { parseRemoteRef } from '../../../engine/reference.ts';
import { ProgressView } from '../progress-view.ts';
import type { Context } from '../context.ts';
import { commandParser, parseArgs } from '../parse.ts';

export default async function run(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('push', 'Push an image to a registry')
    .argument('<image>', 'NAME[:TAG] of a local image; the name says where (localhost:5000/app:1)')
    .option('--insecure', 'use plain HTTP for this registry (always used for localhost and 127.0.0.1)')
    .option('-q, --quiet', 'print only the pushed digest');
  const { opts, operands } = parseArgs<{ insecure?: boolean; quiet?: boolean }>(cmd, args);
  const registry = await ctx.engine.registry();
  const ref = parseRemoteRef(operands[0]!);
  if (!opts.quiet) process.stdout.write(`The push refers to repository [${ref.domain}/${ref.path}]\n`);
  const view = new ProgressView(process.stdout);
  let result;
  try {
    result = await registry.push(operands[0]!, { insecure: opts.insecure, progress: opts.quiet ? undefined : view.onEvent });
  } finally {
    view.finish();
  }
  if (opts.quiet) process.stdout.write(`${result.digest}\n`);
  else process.stdout.write(`${result.ref.tag}: digest: ${result.digest} size: ${result.size}\n`);
  return 0;
}
