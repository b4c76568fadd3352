import { oneLine, UserError } from '../../../common/errors.ts';
import { openEngine } from '../../../engine/engine.ts';
import { DOCKER_HUB, parseRemoteRef } from '../../../engine/registry/names.ts';
import { parsePlatform } from '../../../engine/registry/platform.ts';
import { ProgressView } from '../../../engine/registry/progress-view.ts';
import { pullImage } from '../../../engine/registry/pull.ts';
import type { Context } from '../context.ts';
import { commandParser, parseArgs } from '../parse.ts';

export default async function run(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('pull', 'Pull an image from a registry')
    .argument('<image>', 'NAME[:TAG|@DIGEST]; short names mean Docker Hub (busybox = docker.io/library/busybox:latest)')
    .option('--platform <os/arch[/variant]>', "the platform to pull from a multi-platform image (default: this machine's)")
    .option('--insecure', 'use plain HTTP for this registry (always used for localhost and 127.0.0.1)')
    .option('-q, --quiet', 'print only the image reference');
  const { opts, operands } = parseArgs<{ platform?: string; insecure?: boolean; quiet?: boolean }>(cmd, args);
  // Containers' layers must survive the collection that follows a commit.
  const engine = openEngine(ctx.paths);
  // Docker's opening lines; the reference is checked here so a bad name fails before any output.
  const ref = parseRemoteRef(operands[0]!);
  parsePlatform(opts.platform);
  if (!opts.quiet) {
    if (!ref.explicitTag && !ref.digest) process.stdout.write(`Using default tag: ${ref.tag}\n`);
    process.stdout.write(`${ref.digest && !ref.explicitTag ? ref.digest.slice(7, 19) : ref.tag}: Pulling from ${ref.domain === DOCKER_HUB ? ref.path : `${ref.domain}/${ref.path}`}\n`);
  }
  const view = new ProgressView(process.stdout);
  let result;
  try {
    result = await pullImage(engine, operands[0]!, { platform: opts.platform, insecure: opts.insecure, progress: opts.quiet ? undefined : view.onEvent });
  } catch (err) {
    // The registry's faults are worded already; the store's own (a full disk, a mode-000 file) get the reference too.
    throw err instanceof UserError ? err : new UserError(`cannot pull ${operands[0]}: ${oneLine(err)}`);
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
