import { UserError } from '../../../common/errors.ts';
import { formatTable } from '../../../common/table.ts';
import { collectStale, containerDone, releaseContainer } from '../../../engine/network/attach.ts';
import { createNetwork, listNetworks, resolveNetwork } from '../../../engine/network/config.ts';
import { describeNetwork, pruneNetworks, removeNetwork } from '../../../engine/network/manage.ts';
import type { Context } from '../context.ts';
import { forEachOperand } from '../each.ts';
import { commandParser, formatOption, parseArgs } from '../parse.ts';

async function create(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('network create', 'Create a bridge network (its bridge appears when the first container joins)')
    .argument('<name>', 'the network name')
    .option('--subnet <cidr>', 'IPv4 subnet, e.g. 10.90.5.0/24 (default: a free /24 in 10.90.0.0/16)')
    .option('--gateway <ip>', "the bridge's address (default: the subnet's first address)")
    .option('--internal', 'no route out of the network (and the host has no address on it)')
    .option('-d, --driver <driver>', 'bridge (the only driver)', 'bridge');
  const { opts, operands } = parseArgs<{ subnet?: string; gateway?: string; driver: string; internal?: boolean }>(cmd, args);
  if (opts.driver !== 'bridge') throw new UserError(`network driver "${opts.driver}" is not supported: only bridge is`);
  const net = await createNetwork(ctx.paths, { name: operands[0]!, subnet: opts.subnet, gateway: opts.gateway, internal: opts.internal });
  process.stdout.write(`${net.id}\n`);
  return 0;
}

async function ls(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('network ls', 'List networks').option('-q, --quiet', 'print only the ids').addOption(formatOption());
  const { opts } = parseArgs<{ quiet?: boolean; format: string }>(cmd, args);
  await collectStale(ctx.paths);
  const nets = listNetworks(ctx.paths);
  if (opts.quiet) process.stdout.write(nets.map((n) => `${n.id.slice(0, 12)}\n`).join(''));
  else if (opts.format === 'json') process.stdout.write(`${JSON.stringify(nets, null, 2)}\n`);
  else process.stdout.write(`${formatTable(['NETWORK ID', 'NAME', 'DRIVER', 'SUBNET', 'GATEWAY', 'BRIDGE'], nets.map((n) => [n.id.slice(0, 12), n.name, n.driver, n.subnet, n.gateway, n.bridge]))}\n`);
  return 0;
}

async function inspect(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('network inspect', 'Show networks as a JSON array').argument('<network...>', 'names or id prefixes');
  const { operands } = parseArgs(cmd, args);
  const out = operands.map((t) => describeNetwork(ctx.paths, resolveNetwork(ctx.paths, t)));
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  return 0;
}

async function rm(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('network rm', 'Remove networks, with their bridge and firewall rules').argument('<network...>', 'names or id prefixes');
  const { operands } = parseArgs(cmd, args);
  return forEachOperand(operands, (t) => removeNetwork(ctx.paths, t));
}

async function prune(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('network prune', 'Remove every network no container uses').option('-f, --force', 'accepted for Docker compatibility (rocker never prompts)');
  parseArgs(cmd, args);
  const removed = await pruneNetworks(ctx.paths);
  if (removed.length) process.stdout.write(`Deleted Networks:\n${removed.map((n) => `${n}\n`).join('')}`);
  return 0;
}

/** Run by a background container's monitor once the exit is recorded (not listed: not for people). */
async function release(args: string[], ctx: Context): Promise<number> {
  const id = args[0] ?? '';
  if (!/^[0-9a-f]{64}$/.test(id)) throw new UserError('network release needs a full container id');
  if (!containerDone(ctx.paths, id)) throw new UserError(`container ${id.slice(0, 12)} has not ended: its network stays`);
  await releaseContainer(ctx.paths, id);
  return 0;
}

const subcommands: Record<string, (args: string[], ctx: Context) => Promise<number>> = { create, ls, list: ls, inspect, rm, remove: rm, prune, release };

export default async function network(args: string[], ctx: Context): Promise<number> {
  const [sub, ...rest] = args;
  const fn = sub ? subcommands[sub] : undefined;
  if (!fn) {
    if (sub && sub !== '--help' && sub !== '-h') throw new UserError(`unknown network command "${sub}": use create, ls, inspect, rm or prune`);
    process.stdout.write('Usage: rocker network COMMAND\n\nCommands:\n  create   Create a network\n  ls       List networks\n  inspect  Show networks as JSON\n  rm       Remove networks\n  prune    Remove unused networks\n');
    return sub ? 0 : 1;
  }
  return fn(rest, ctx);
}
