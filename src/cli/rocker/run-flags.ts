// The options `run` and `create` share: one declaration, so the two cannot drift apart.
import { UserError } from '../../common/errors.ts';
import type { RunFlags, RunRequest } from '../../engine/types.ts';
import { parseCommand, type CommandSpec, type OptionSpec } from './command-spec.ts';

interface Flags extends RunFlags {
  image?: string;
  name?: string;
}

const RUN_OPTIONS: OptionSpec[] = [
  ['--image <image>', 'image to run, NAME[:TAG] or an id prefix'],
  ['--name <name>', 'name the container (default: a generated name)'],
  ['-t, --tty', 'give the container a pseudo-terminal'],
  ['-i, --interactive', "connect your stdin to the container's stdin"],
  ['--rm', 'remove the container when it exits'],
  ['-m, --memory <size>', 'memory limit, e.g. 256m, 1g'],
  ['--cpushare <shares>', 'relative CPU weight (cgroup cpu shares, default 1024)'],
  ['--cpu-shares <shares>', 'alias of --cpushare'],
  ['--cpuset-cpus <cpus>', 'CPUs the container may use, e.g. 0-1 or 0,2'],
  ['--cpus <n>', 'CPU time limit in CPUs, e.g. 1.5'],
  ['--pids-limit <n>', 'maximum number of processes (-1: unlimited)'],
  ['-e, --env <KEY=VAL>', 'set an environment variable (repeatable; KEY alone takes the host value)', true],
  ['--env-file <file>', 'read KEY=VAL lines from a file (repeatable)', true],
  ['-v, --volume <SOURCE:CONTAINER[:ro]>', 'bind-mount a host path (absolute) or a named volume (repeatable)', true],
  ['--mount <spec>', 'type=bind|volume|tmpfs,source=...,target=...[,readonly] (repeatable)', true],
  ['--tmpfs <PATH[:OPTS]>', 'mount a tmpfs, e.g. /run:size=64m (repeatable)', true],
  ['-w, --workdir <dir>', 'working directory inside the container'],
  ['-u, --user <user[:group]>', 'user (name or uid) and group to run as'],
  ['--hostname <name>', "the container's hostname (default: its short id)"],
  ['--read-only', "mount the container's root file system read-only"],
  ['--cap-add <cap>', 'add a Linux capability (repeatable)', true],
  ['--cap-drop <cap>', 'drop a Linux capability, or ALL (repeatable)', true],
  ['--security-opt <opt>', 'no-new-privileges, seccomp=unconfined|PROFILE.json, apparmor=, label=disable, systempaths=unconfined (repeatable)', true],
  ['--privileged', 'all capabilities and host devices, no seccomp, writable /sys and /proc/sys'],
  ['--userns <mode>', 'keep-id: rootless, run with your own uid and gid inside (Podman\'s); host: the default'],
  ['--network <network>', 'bridge (the default), a network made with `rocker network create`, none (loopback only) or host; rootless: pasta (the default), none or host'],
  ['-p, --publish <[ip:]hostPort:containerPort[/proto]>', "publish a container's port on the host (repeatable)", true],
  ['-P, --publish-all', "publish every port the image exposes on a free host port"],
  ['--add-host <name:ip>', 'add a line to /etc/hosts; ip may be host-gateway, the host (repeatable)', true],
  ['--dns <ip>', 'a name server for /etc/resolv.conf (repeatable)', true],
  ['--dns-search <domain>', 'a search domain for /etc/resolv.conf (repeatable)', true],
  ['--ip <address>', "the container's IPv4 address on a user network"],
  ['--network-alias <name>', 'another name the container has on a user network (repeatable)', true],
  ['--entrypoint <cmd>', "replace the image's entrypoint (\"\" clears it; the image's Cmd is dropped too)"],
  ['-l, --label <KEY=VAL>', 'set a label (repeatable)', true],
  ['--label-file <file>', 'read KEY=VAL label lines from a file (repeatable)', true],
  ['--init', "run the host's tini (or catatonit) as PID 1, to pass signals and reap zombies"],
  ['--shm-size <size>', 'size of /dev/shm (default 64m)'],
  ['--ulimit <NAME=SOFT[:HARD]>', 'a resource limit, e.g. nofile=1024:2048 (repeatable; never above the host\'s hard limit)', true],
  ['--device <HOST[:CONTAINER][:rwm]>', 'give the container a host device (repeatable)', true],
  ['--health-cmd <command>', 'a health check run in the container through /bin/sh -c (exit 0: healthy)'],
  ['--health-interval <duration>', 'time between checks (default 30s)'],
  ['--health-timeout <duration>', 'time one check may take (default 30s)'],
  ['--health-retries <n>', 'failures in a row that make the container unhealthy (default 3)'],
  ['--health-start-period <duration>', 'time to start, when failures do not count (default 0s)'],
  ['--no-healthcheck', "disable the image's HEALTHCHECK"],
  ['--pod <pod>', "join a pod's network, IPC and UTS namespaces (rocker pod create)"],
  ['--restart <policy>', 'no, always, unless-stopped or on-failure[:N]: run a background container again when it ends (never after rocker stop)'],
];

const DETACH: OptionSpec = ['-d, --detach', "run in the background and print the container's id"];

/** `run`'s (`detach`) or `create`'s words. */
export function runSpec(name: 'run' | 'create', summary: string, detach: boolean): CommandSpec {
  return {
    name,
    summary,
    usage: '[OPTIONS] --image IMAGE[:TAG] COMMAND [ARG...]  (or: [OPTIONS] IMAGE [COMMAND [ARG...]])',
    argument: ['[command...]', "the image (without --image), then the command and its arguments; everything after the command is the container's"],
    options: detach ? [...RUN_OPTIONS, DETACH] : RUN_OPTIONS,
    passThrough: true,
  };
}

/**
 * Parses `run`'s or `create`'s words into the engine's request. `detach`
 * adds -d (run only: a created container is started by `start`).
 */
export async function parseRunRequest(name: 'run' | 'create', summary: string, args: string[], detach: boolean): Promise<RunRequest> {
  // Docker's spelling of the original's --cpuset.
  const argv = args.map((a) => (a === '--cpuset' ? '--cpuset-cpus' : a.startsWith('--cpuset=') ? `--cpuset-cpus=${a.slice(9)}` : a));
  const { opts, operands } = await parseCommand<Flags>(runSpec(name, summary, detach), argv);
  let image = opts.image;
  let command = operands;
  if (image === undefined) {
    if (operands.length === 0) throw new UserError(`${name} needs an image: 'rocker ${name} --image NAME[:TAG] COMMAND' (see 'rocker ${name} --help')`, 125);
    image = operands[0]!;
    command = operands.slice(1);
  }
  // Only with -t: making process.stdout costs ~4 ms (see guardStdout).
  const consoleSize = opts.tty && process.stdout.isTTY ? { height: process.stdout.rows, width: process.stdout.columns } : undefined;
  const { image: _i, name: containerName, ...flags } = opts;
  return { image, command, name: containerName, flags, consoleSize };
}

/** A warning from the engine, one line on stderr (the container runs). */
export function warn(message: string): void {
  process.stderr.write(`rocker: warning: ${message}\n`);
}
