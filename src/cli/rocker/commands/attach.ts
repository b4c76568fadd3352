import type { Context } from '../context.ts';
import { commandParser, parseArgs } from '../parse.ts';

export default async function attach(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('attach', "Follow a running container's output until it ends; exit with its code (output only: no stdin)")
    .argument('<container>', 'name or id prefix')
    .option('--no-stdin', 'accepted for Docker compatibility: rocker attaches output only');
  const { operands } = parseArgs(cmd, args);
  const out = { stdout: process.stdout, stderr: process.stderr };
  const write = (stream: 'stdout' | 'stderr', b: Uint8Array) => new Promise<void>((r) => out[stream].write(b, () => r()));
  return (await (await ctx.engine.containers()).attach(operands[0]!, write)) ?? 0;
}
