import { writeOut } from '../../entry.ts';
import { DOCKER_HUB } from '../../../engine/reference.ts';
import type { Context } from '../context.ts';
import { commandParser, parseArgs } from '../parse.ts';

export default async function run(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('logout', "Remove rocker's stored credentials for a registry (the Docker config file is left alone)")
    .argument('[registry]', 'registry host[:port]', DOCKER_HUB);
  const { operands } = parseArgs(cmd, args);
  const registry = operands[0] ?? DOCKER_HUB;
  const removed = await (await ctx.engine.registry()).logout(registry);
  writeOut(removed ? `Removing login credentials for ${registry}\n` : `Not logged in to ${registry}\n`);
  return 0;
}
