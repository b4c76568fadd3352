// The options `run` and `create` share: one declaration, so the two cannot drift apart.
import { isatty } from 'node:tty';
import type { Command } from 'commander';
import { UserError } from '../../common/errors.ts';
import type { RunFlags, RunRequest } from '../../engine/types.ts';
import { collect, commandParser, parseArgs } from './parse.ts';

interface Flags extends RunFlags {
  image?: string;
  name?: string;
}

function runParser(name: string, summary: string): Command {
  return commandParser(name, summary)
    .usage('[OPTIONS] --image IMAGE[:TAG] COMMAND [ARG...]  (or: [OPTIONS] IMAGE [COMMAND [ARG...]])')
    .passThroughOptions()
    .allowExcessArguments(true)
    .argument('[command...]', "the image (without --image), then the command and its arguments; everything after the command is the container's")
    .option('--image <image>', 'image to run, NAME[:TAG] or an id prefix')
    .option('--name <name>', 'name the container (default: a generated name)')
    .option('-t, --tty', 'give the container a pseudo-terminal')
    .option('-i, --interactive', "connect your stdin to the container's stdin")
    .option('--rm', 'remove the container when it exits')
    .option('-m, --memory <size>', 'memory limit, e.g. 256m, 1g')
    .option('--cpushare <shares>', 'relative CPU weight (cgroup cpu shares, default 1024)')
    .option('--cpu-shares <shares>', 'alias of --cpushare')
    .option('--cpuset-cpus <cpus>', 'CPUs the container may use, e.g. 0-1 or 0,2')
    .option('--cpus <n>', 'CPU time limit in CPUs, e.g. 1.5')
    .option('--pids-limit <n>', 'maximum number of processes (-1: unlimited)')
    .option('-e, --env <KEY=VAL>', 'set an environment variable (repeatable; KEY alone takes the host value)', collect, [])
    .option('--env-file <file>', 'read KEY=VAL lines from a file (repeatable)', collect, [])
    .option('-v, --volume <SOURCE:CONTAINER[:ro]>', 'bind-mount a host path (absolute) or a named volume (repeatable)', collect, [])
    .option('--mount <spec>', 'type=bind|volume|tmpfs,source=...,target=...[,readonly] (repeatable)', collect, [])
    .option('--tmpfs <PATH[:OPTS]>', 'mount a tmpfs, e.g. /run:size=64m (repeatable)', collect, [])
    .option('-w, --workdir <dir>', 'working directory inside the container')
    .option('-u, --user <user[:group]>', 'user (name or uid) and group to run as')
    .option('--hostname <name>', "the container's hostname (default: its short id)")
    .option('--read-only', "mount the container's root file system read-only")
    .option('--cap-add <cap>', 'add a Linux capability (repeatable)', collect, [])
    .option('--cap-drop <cap>', 'drop a Linux capability, or ALL (repeatable)', collect, [])
    .option('--security-opt <opt>', 'no-new-privileges, seccomp=unconfined|PROFILE.json, apparmor=, label=disable, systempaths=unconfined (repeatable)', collect, [])
    .option('--privileged', 'all capabilities and host devices, no seccomp, writable /sys and /proc/sys')
    .option('--userns <mode>', 'keep-id: rootless, run with your own uid and gid inside (Podman\'s); host: the default')
    .option('--network <network>', 'bridge (the default), a network made with `rocker network create`, none (loopback only) or host; rootless: pasta (the default), none or host')
    .option('-p, --publish <[ip:]hostPort:containerPort[/proto]>', "publish a container's port on the host (repeatable)", collect, [])
    .option('-P, --publish-all', "publish every port the image exposes on a free host port")
    .option('--add-host <name:ip>', 'add a line to /etc/hosts; ip may be host-gateway, the host (repeatable)', collect, [])
    .option('--dns <ip>', 'a name server for /etc/resolv.conf (repeatable)', collect, [])
    .option('--dns-search <domain>', 'a search domain for /etc/resolv.conf (repeatable)', collect, [])
    .option('--ip <address>', "the container's IPv4 address on a user network")
    .option('--network-alias <name>', 'another name the container has on a user network (repeatable)', collect, [])
    .option('--entrypoint <cmd>', "replace the image's entrypoint (\"\" clears it; the image's Cmd is dropped too)")
    .option('-l, --label <KEY=VAL>', 'set a label (repeatable)', collect, [])
    .option('--label-file <file>', 'read KEY=VAL label lines from a file (repeatable)', collect, [])
    .option('--init', "run the host's tini (or catatonit) as PID 1, to pass signals and reap zombies")
    .option('--shm-size <size>', 'size of /dev/shm (default 64m)')
    .option('--ulimit <NAME=SOFT[:HARD]>', 'a resource limit, e.g. nofile=1024:2048 (repeatable; never above the host\'s hard limit)', collect, [])
    .option('--device <HOST[:CONTAINER][:rwm]>', 'give the container a host device (repeatable)', collect, [])
    .option('--health-cmd <command>', 'a health check run in the container through /bin/sh -c (exit 0: healthy)')
    .option('--health-interval <duration>', 'time between checks (default 30s)')
    .option('--health-timeout <duration>', 'time one check may take (default 30s)')
    .option('--health-retries <n>', 'failures in a row that make the container unhealthy (default 3)')
    .option('--health-start-period <duration>', 'time to start, when failures do not count (default 0s)')
    .option('--no-healthcheck', "disable the image's HEALTHCHECK")
    .option('--pod <pod>', "join a pod's network, IPC and UTS namespaces (rocker pod create)")
    .option('--restart <policy>', 'no, always, unless-stopped or on-failure[:N]: run a background container again when it ends (never after rocker stop)');
}

/**
 * Parses `run`'s or `create`'s words into the engine's request. `detach`
 * adds -d (run only: a created container is started by `start`).
 */
export function parseRunRequest(name: 'run' | 'create', summary: string, args: string[], detach: boolean): RunRequest {
  const cmd = runParser(name, summary);
  if (detach) cmd.option('-d, --detach', "run in the background and print the container's id");
  // Docker's spelling of the original's --cpuset.
  const argv = args.map((a) => (a === '--cpuset' ? '--cpuset-cpus' : a.startsWith('--cpuset=') ? `--cpuset-cpus=${a.slice(9)}` : a));
  const { opts, operands } = parseArgs<Flags>(cmd, argv);
  let image = opts.image;
  let command = operands;
  if (image === undefined) {
    if (operands.length === 0) throw new UserError(`${name} needs an image: 'rocker ${name} --image NAME[:TAG] COMMAND' (see 'rocker ${name} --help')`, 125);
    image = operands[0]!;
    command = operands.slice(1);
  }
  // isatty first: process.stdout is made only for a terminal (making it costs ~4 ms; see guardStdout).
  const consoleSize = isatty(1) && process.stdout.isTTY ? { height: process.stdout.rows, width: process.stdout.columns } : undefined;
  const { image: _i, name: containerName, ...flags } = opts;
  return { image, command, name: containerName, flags, consoleSize };
}

/** A warning from the engine, one line on stderr (the container runs). */
export function warn(message: string): void {
  process.stderr.write(`rocker: warning: ${message}\n`);
}
