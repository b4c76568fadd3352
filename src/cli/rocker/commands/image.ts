import { formatSize } from '../../../common/format.ts';
import { containerUsages } from '../../../engine/container-store/usage.ts';
import { openEngine } from '../../../engine/engine.ts';
import type { ImageRecord } from '../../../engine/image-store/record.ts';
import { formatRef } from '../../../engine/reference.ts';
import { commands, type CommandRun } from '../commands.ts';
import type { Context } from '../context.ts';
import { commandParser, parseArgs } from '../parse.ts';

// `rocker image X` is `rocker X` for these, as with Docker's management commands.
const delegated: Record<string, string> = { ls: 'images', list: 'images', rm: 'rmi', remove: 'rmi', tag: 'tag', history: 'history', pull: 'pull', push: 'push', save: 'save', load: 'load', inspect: 'inspect', import: 'import' };

async function prune(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('image prune', 'Remove untagged images, and layers and blobs no image or container uses; with -a also every image no container uses')
    .option('-a, --all', 'also remove images that no container uses')
    .option('-f, --force', 'do not prompt (rocker never prompts; accepted for Docker compatibility)');
  const { opts } = parseArgs<{ all?: boolean }>(cmd, args);
  const engine = openEngine(ctx.paths);
  const sizes = new Map(engine.layers.list().map((l) => [l, engine.layers.info(l)?.size ?? 0]));
  const out: string[] = [];
  // Untagged images (loaded without a name: `untagged:<id>`) are Docker's dangling ones; -a takes every unused image.
  {
    const used = new Set(containerUsages(ctx.paths).map((u) => u.digest));
    const unused = engine.images.list().images.filter((r) => !used.has(r.digest) && (opts.all || r.name === 'untagged'));
    const removed: ImageRecord[] = [];
    for (const r of unused) {
      try {
        removed.push(...(await engine.images.remove([formatRef(r)], false)));
      } catch (err) {
        // A concurrent rmi or prune took it first, or a container started using it since: skip it, as Docker does.
        const gone = engine.images.find(r.name, r.tag)?.digest !== r.digest;
        if (!gone && !containerUsages(ctx.paths).some((u) => u.digest === r.digest)) throw err;
      }
    }
    if (removed.length) out.push('Deleted Images:', ...removed.map((r) => `untagged: ${formatRef(r)}`));
  }
  await engine.images.prune();
  // Layers removed by the image removals above were collected there; count every layer now gone.
  const gone = [...sizes.keys()].filter((l) => !engine.layers.has(l));
  if (gone.length) out.push('Deleted Layers:', ...gone.map((l) => `deleted: ${l}`));
  out.push(`Total reclaimed space: ${formatSize(gone.reduce((n, l) => n + (sizes.get(l) ?? 0), 0))}`);
  process.stdout.write(`${out.join('\n')}\n`);
  return 0;
}

export default async function run(args: string[], ctx: Context): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'prune') return prune(rest, ctx);
  const target = sub ? delegated[sub] : undefined;
  if (target && commands[target]) {
    const mod: { default: CommandRun } = await commands[target]!.load();
    return (await mod.default(rest, ctx)) ?? 0;
  }
  if (sub === undefined || sub === '--help' || sub === '-h') {
    process.stdout.write(`Usage: rocker image COMMAND\n\nCommands: prune [-a], ${Object.keys(delegated).join(', ')}\n`);
    return 0;
  }
  process.stderr.write(`rocker: unknown image command "${sub}" (prune, ${Object.keys(delegated).join(', ')})\n`);
  return 1;
}
