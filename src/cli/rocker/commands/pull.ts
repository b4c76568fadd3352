import { ProgressView } from '../progress-view.ts';
import type { Context } from '../context.ts';
import { commandParser, parseArgs } from '../parse.ts';

export default async function run(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('pull', 'Pull an image from a registry')
    .argument('<image>', 'NAME[:TAG|@DIGEST]; short names mean Docker Hub (busybox = docker.io/library/busybox:latest)')
    .option('--platform <os/arch[/variant]>', "the platform to pull from a multi-platform image (default: this machine's)")
    .option('--insecure', 'use plain HTTP for this registry (always used for localhost and 127.0.0.1)')
    .option('-q, --quiet', 'print only the image reference');
  const { opts, operands } = parseArgs<{ platform?: string; insecure?: boolean; quiet?: boolean }>(cmd, args);
  const registry = await ctx.engine.registry();
  // Docker's opening lines; the reference is checked first so a bad name fails before any output.
  const { ref, label, repository } = await registry.preparePull(operands[0]!, opts.platform);
  if (!opts.quiet) {
    if (!ref.explicitTag && !ref.digest) process.stdout.write(`Using default tag: ${ref.tag}\n`);
    process.stdout.write(`${label}: Pulling from ${repository}\n`);
  }
  const view = new ProgressView(process.stdout);
  let result;
  try {
    result = await registry.pull(operands[0]!, { platform: opts.platform, insecure: opts.insecure, progress: opts.quiet ? undefined : view.onEvent });
  } finally {
    view.finish();
  }
  const name = `${result.image.name}:${result.image.tag}`;
  if (!opts.quiet) {
    process.stdout.write(`Digest: ${result.manifestDigest}\n`);
    process.stdout.write(result.upToDate ? `Status: Image is up to date for ${name}\n` : `Status: Downloaded newer image for ${name}\n`);
  }
  process.stdout.write(`${name}\n`);
  return 0;
}
