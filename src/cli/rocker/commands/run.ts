import type { Context } from '../context.ts';
import { commandParser, parseArgs } from '../parse.ts';
import { UserError } from '../../../common/errors.ts';
import type { RunFlags } from '../../../engine/types.ts';

const collect = (v: string, prev: string[]) => [...prev, v];

interface Flags extends RunFlags {
  image?: string;
  name?: string;
}

export default async function run(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('run', 'Run a command in a new container')
    .usage('[OPTIONS] --image IMAGE[:TAG] COMMAND [ARG...]  (or: [OPTIONS] IMAGE [COMMAND [ARG...]])')
    .passThroughOptions()
    .allowExcessArguments(true)
    .argument('[command...]', "the image (without --image), then the command and its arguments; everything after the command is the container's")
    .option('--image <image>', 'image to run, NAME[:TAG] or an id prefix')
    .option('--name <name>', 'name the container (default: a generated name)')
    .option('-t, --tty', 'give the container a pseudo-terminal')
    .option('-i, --interactive', "keep stdin attached to the container's")
    .option('-d, --detach', "run in the background and print the container's id")
    .option('--rm', 'remove the container when it exits')
    .option('-m, --memory <size>', 'memory limit, e.g. 256m, 1g')
    .option('--cpushare <shares>', 'relative CPU weight (cgroup cpu shares, default 1024)')
    .option('--cpu-shares <shares>', 'alias of --cpushare')
    .option('--cpuset-cpus <cpus>', 'CPUs the container may use, e.g. 0-1 or 0,2')
    .option('--cpus <n>', 'CPU time limit in CPUs, e.g. 1.5')
    .option('--pids-limit <n>', 'maximum number of processes (-1: unlimited)')
    .option('-e, --env <KEY=VAL>', 'set an environment variable (repeatable; KEY alone takes the host value)', collect, [])
    .option('--env-file <file>', 'read KEY=VAL lines from a file (repeatable)', collect, [])
    .option('-v, --volume <HOST:CONTAINER[:ro]>', 'bind-mount a host path (repeatable)', collect, [])
    .option('--tmpfs <PATH[:OPTS]>', 'mount a tmpfs, e.g. /run:size=64m (repeatable)', collect, [])
    .option('-w, --workdir <dir>', 'working directory inside the container')
    .option('-u, --user <user[:group]>', 'user (name or uid) and group to run as')
    .option('--hostname <name>', "the container's hostname (default: its short id)")
    .option('--read-only', "mount the container's root file system read-only")
    .option('--cap-add <cap>', 'add a Linux capability (repeatable)', collect, [])
    .option('--cap-drop <cap>', 'drop a Linux capability, or ALL (repeatable)', collect, [])
    .option('--security-opt <opt>', 'no-new-privileges, seccomp=unconfined|PROFILE.json, apparmor=, label=disable, systempaths=unconfined (repeatable)', collect, [])
    .option('--privileged', 'all capabilities and host devices, no seccomp, writable /sys and /proc/sys')
    .option('--network <network>', 'bridge (the default), a network made with `rocker network create`, none (loopback only) or host')
    .option('-p, --publish <[ip:]hostPort:containerPort[/proto]>', "publish a container's port on the host (repeatable)", collect, [])
    .option('-P, --publish-all', "publish every port the image exposes on a free host port")
    .option('--add-host <name:ip>', 'add a line to /etc/hosts; ip may be host-gateway, the host (repeatable)', collect, [])
    .option('--dns <ip>', 'a name server for /etc/resolv.conf (repeatable)', collect, [])
    .option('--dns-search <domain>', 'a search domain for /etc/resolv.conf (repeatable)', collect, [])
    .option('--ip <address>', "the container's IPv4 address on a user network")
    .option('--network-alias <name>', 'another name the container has on a user network (repeatable)', collect, []);
  // Docker's spelling of the original's --cpuset.
  const argv = args.map((a) => (a === '--cpuset' ? '--cpuset-cpus' : a.startsWith('--cpuset=') ? `--cpuset-cpus=${a.slice(9)}` : a));
  const { opts, operands } = parseArgs<Flags>(cmd, argv);
  let image = opts.image;
  let command = operands;
  if (image === undefined) {
    if (operands.length === 0) throw new UserError("run needs an image: 'rocker run --image NAME[:TAG] COMMAND' (see 'rocker run --help')", 125);
    image = operands[0]!;
    command = operands.slice(1);
  }
  const consoleSize = process.stdout.isTTY ? { height: process.stdout.rows, width: process.stdout.columns } : undefined;
  const { image: _i, name, ...flags } = opts;
  const done = await (await ctx.engine.containers()).run({ image, command, name, flags, consoleSize });
  if (!done.detached) return done.exitCode;
  process.stdout.write(`${done.id}\n`);
  return 0;
}
