import type { Context } from './context.ts';

/** A command module: parses its own arguments, calls one engine verb, prints. Returns the exit code. */
export type CommandRun = (args: string[], ctx: Context) => Promise<number | void>;

export interface CommandEntry {
  summary: string;
  /** Exit code for rocker's own failures: Docker's 125 for run/exec, 1 elsewhere. */
  failCode?: number;
  /** Left out of usage lists: plumbing, not for people. */
  hidden?: boolean;
  /** Hands process.stdout to a stream (see guardStdout in ../entry.ts); the others write to fd 1 with `writeOut`. */
  streamsStdout?: boolean;
  load: () => Promise<{ default: CommandRun }>;
}

/** A management command (`rocker image prune`): its subcommands, each its own entry or a top-level command's. */
export interface CommandGroup {
  summary: string;
  subcommands: Record<string, CommandEntry | string>;
}

const imagePrune: CommandEntry = {
  summary: 'Remove untagged images and unused layers and blobs (-a: every image no container uses)',
  load: () => import('./commands/image-prune.ts'),
};

const containerPrune: CommandEntry = {
  summary: 'Remove every container that is not running',
  load: () => import('./commands/container-prune.ts'),
};

const podLs: CommandEntry = { summary: 'List pods', load: () => import('./commands/pod-ls.ts') };
const podRm: CommandEntry = { summary: 'Remove pods and their containers', load: () => import('./commands/pod-rm.ts') };

const volumeLs: CommandEntry = { summary: 'List volumes', load: () => import('./commands/volume-ls.ts') };
const volumeRm: CommandEntry = { summary: 'Remove volumes', load: () => import('./commands/volume-rm.ts') };

// Loaded lazily so that `rocker --version` and each command load only what they use.
export const commands: Record<string, CommandEntry | CommandGroup> = {
  import: { summary: 'Import a root filesystem tarball as an image', load: () => import('./commands/import.ts') },
  images: { summary: 'List images', load: () => import('./commands/images.ts') },
  rmi: { summary: 'Remove one or more images', load: () => import('./commands/rmi.ts') },
  pull: { summary: 'Pull an image from a registry', streamsStdout: true, load: () => import('./commands/pull.ts') },
  push: { summary: 'Push an image to a registry', streamsStdout: true, load: () => import('./commands/push.ts') },
  tag: { summary: 'Give an image another name', load: () => import('./commands/tag.ts') },
  search: { summary: "Search a registry for repositories (its v1 search, else its catalog)", load: () => import('./commands/search.ts') },
  login: { summary: 'Log in to a registry', load: () => import('./commands/login.ts') },
  logout: { summary: 'Log out from a registry', load: () => import('./commands/logout.ts') },
  save: { summary: 'Save images to a tar archive (docker/OCI format)', streamsStdout: true, load: () => import('./commands/save.ts') },
  load: { summary: 'Load images from a docker save or OCI archive', load: () => import('./commands/load.ts') },
  history: { summary: "Show an image's layers and the instructions that made them", load: () => import('./commands/history.ts') },
  // `rocker image X` is `rocker X` for most, as with Docker's management commands.
  image: {
    summary: 'Manage images (prune, and ls/rm/tag/history/pull/push/save/load)',
    subcommands: { prune: imagePrune, build: 'build', ls: 'images', list: 'images', rm: 'rmi', remove: 'rmi', tag: 'tag', history: 'history', pull: 'pull', push: 'push', save: 'save', load: 'load', inspect: 'inspect', import: 'import' },
  },
  system: {
    summary: 'Disk usage (df), cleanup of everything unused (prune), store verification (check)',
    subcommands: {
      check: { summary: 'Verify the store against its digests and the host; --repair mends what is safe', load: () => import('./commands/system-check.ts') },
      df: { summary: 'Show disk usage: images, containers, layers and blobs', load: () => import('./commands/system-df.ts') },
      prune: { summary: 'Remove stopped containers, unused images, layers, blobs (and --volumes)', load: () => import('./commands/system-prune.ts') },
    },
  },
  inspect: { summary: 'Show an image or container as JSON', load: () => import('./commands/inspect.ts') },
  run: { summary: 'Run a command in a new container', failCode: 125, load: () => import('./commands/run.ts') },
  create: { summary: 'Create a container without starting it', failCode: 125, load: () => import('./commands/create.ts') },
  start: { summary: 'Start created or stopped containers (-a: attached)', load: () => import('./commands/start.ts') },
  restart: { summary: 'Stop and start containers again', load: () => import('./commands/restart.ts') },
  rename: { summary: 'Rename a container', load: () => import('./commands/rename.ts') },
  ps: { summary: 'List containers', load: () => import('./commands/ps.ts') },
  logs: { summary: "Print a container's output", streamsStdout: true, load: () => import('./commands/logs.ts') },
  stop: { summary: 'Stop running containers (SIGTERM, then SIGKILL)', load: () => import('./commands/stop.ts') },
  kill: { summary: "Send a signal to containers' main process", load: () => import('./commands/kill.ts') },
  wait: { summary: 'Wait for containers to end, print their exit codes', load: () => import('./commands/wait.ts') },
  rm: { summary: 'Remove containers', load: () => import('./commands/rm.ts') },
  exec: { summary: 'Run a command in a running container', failCode: 125, load: () => import('./commands/exec.ts') },
  build: { summary: 'Build an image from a Dockerfile', load: () => import('./commands/build.ts') },
  network: {
    summary: 'Manage networks (create, ls, inspect, rm, prune)',
    subcommands: {
      create: { summary: 'Create a network', load: () => import('./commands/network-create.ts') },
      ls: { summary: 'List networks', load: () => import('./commands/network-ls.ts') },
      list: 'network ls',
      inspect: { summary: 'Show networks as JSON', load: () => import('./commands/network-inspect.ts') },
      rm: { summary: 'Remove networks', load: () => import('./commands/network-rm.ts') },
      remove: 'network rm',
      prune: { summary: 'Remove unused networks', load: () => import('./commands/network-prune.ts') },
      release: { summary: "Release an ended container's network (run by its monitor)", hidden: true, load: () => import('./commands/network-release.ts') },
    },
  },
  port: { summary: "List a container's published ports", load: () => import('./commands/port.ts') },
  commit: { summary: "Create an image from a container's changes", load: () => import('./commands/commit.ts') },
  attach: { summary: "Follow a running container's output until it ends", streamsStdout: true, load: () => import('./commands/attach.ts') },
  pause: { summary: 'Freeze all processes of containers', load: () => import('./commands/pause.ts') },
  unpause: { summary: 'Thaw paused containers', load: () => import('./commands/unpause.ts') },
  top: { summary: "Show a running container's processes", load: () => import('./commands/top.ts') },
  stats: { summary: "Show containers' CPU, memory, network and block I/O, and process counts", streamsStdout: true, load: () => import('./commands/stats.ts') },
  cp: { summary: 'Copy files between a container and the host', streamsStdout: true, load: () => import('./commands/cp.ts') },
  volume: {
    summary: 'Manage named volumes (create, ls, inspect, rm, prune)',
    subcommands: {
      create: { summary: 'Create a named volume', load: () => import('./commands/volume-create.ts') },
      ls: volumeLs, list: volumeLs,
      inspect: { summary: 'Show volumes as JSON', load: () => import('./commands/volume-inspect.ts') },
      rm: volumeRm, remove: volumeRm,
      prune: { summary: 'Remove every volume no container uses', load: () => import('./commands/volume-prune.ts') },
    },
  },
  pod: {
    summary: 'Manage pods: containers sharing network, IPC and UTS (create, ls, inspect, start, stop, rm)',
    subcommands: {
      create: { summary: 'Create a pod', load: () => import('./commands/pod-create.ts') },
      ls: podLs, ps: podLs, list: podLs,
      inspect: { summary: 'Show pods as JSON', load: () => import('./commands/pod-inspect.ts') },
      start: { summary: 'Start pods and their containers', load: () => import('./commands/pod-start.ts') },
      stop: { summary: 'Stop pods and their containers', load: () => import('./commands/pod-stop.ts') },
      rm: podRm, remove: podRm,
    },
  },
  kube: {
    summary: 'Kubernetes YAML: generate it from containers and pods, play it here, take it down',
    subcommands: {
      generate: { summary: 'Print Kubernetes YAML (Pod, --service: Service) for containers or pods', load: () => import('./commands/kube-generate.ts') },
      play: { summary: 'Create pods, containers and volumes from Kubernetes YAML', load: () => import('./commands/kube-play.ts') },
      down: { summary: 'Remove what kube play made from the same YAML', load: () => import('./commands/kube-down.ts') },
    },
  },
  // `rocker container X` is `rocker X`, as with Docker's management commands.
  container: {
    summary: 'Manage containers (prune, and ls/rm/inspect/create/start/stop/...)',
    subcommands: {
      ls: 'ps', ps: 'ps', list: 'ps', rm: 'rm', remove: 'rm', prune: containerPrune, inspect: 'inspect', create: 'create', run: 'run',
      start: 'start', stop: 'stop', restart: 'restart', kill: 'kill', wait: 'wait', rename: 'rename', logs: 'logs', exec: 'exec', commit: 'commit', cp: 'cp', attach: 'attach', pause: 'pause', unpause: 'unpause', top: 'top', stats: 'stats',
    },
  },
};

/**
 * The entry `words` name: a command, or a group's subcommand (the second
 * word). `used` is how many words named it; a group without a known
 * subcommand comes back as the group, for its usage text.
 */
export function findCommand(words: string[]): { entry: CommandEntry; name: string; used: number } | { group: CommandGroup; name: string; sub?: string } | undefined {
  const [word, sub] = words;
  const found = word === undefined ? undefined : commands[word];
  if (!found) return undefined;
  if (!('subcommands' in found)) return { entry: found, name: word!, used: 1 };
  const target = sub === undefined ? undefined : found.subcommands[sub];
  if (target === undefined) return { group: found, name: word!, sub };
  if (typeof target !== 'string') return { entry: target, name: `${word} ${sub}`, used: 2 };
  // A string names another command: a top-level one ('images') or a sibling ('network ls').
  const [top, inner] = target.split(' ');
  const named = commands[top!]!;
  const entry = inner !== undefined && 'subcommands' in named ? named.subcommands[inner] : named;
  return { entry: entry as CommandEntry, name: target, used: 2 };
}
