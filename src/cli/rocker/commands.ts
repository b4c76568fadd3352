import type { Context } from './context.ts';

/** A command module: parses its own arguments, calls the engine, prints. Returns the exit code. */
export type CommandRun = (args: string[], ctx: Context) => Promise<number | void>;

interface CommandEntry {
  summary: string;
  /** Exit code for rocker's own failures: Docker's 125 for run/exec, 1 elsewhere. */
  failCode?: number;
  /** Commands that only print need no root. */
  noRoot?: boolean;
  load: () => Promise<{ default: CommandRun }>;
}

// Loaded lazily so that `rocker --version` and each command load only what they use.
export const commands: Record<string, CommandEntry> = {
  import: { summary: 'Import a root filesystem tarball as an image', load: () => import('./commands/import.ts') },
  images: { summary: 'List images', load: () => import('./commands/images.ts') },
  rmi: { summary: 'Remove one or more images', load: () => import('./commands/rmi.ts') },
  pull: { summary: 'Pull an image from a registry', load: () => import('./commands/pull.ts') },
  push: { summary: 'Push an image to a registry', load: () => import('./commands/push.ts') },
  tag: { summary: 'Give an image another name', load: () => import('./commands/tag.ts') },
  login: { summary: 'Log in to a registry', load: () => import('./commands/login.ts') },
  logout: { summary: 'Log out from a registry', load: () => import('./commands/logout.ts') },
  save: { summary: 'Save images to a tar archive (docker/OCI format)', load: () => import('./commands/save.ts') },
  load: { summary: 'Load images from a docker save or OCI archive', load: () => import('./commands/load.ts') },
  history: { summary: "Show an image's layers and the instructions that made them", load: () => import('./commands/history.ts') },
  image: { summary: 'Manage images (prune, and ls/rm/tag/history/pull/push/save/load)', load: () => import('./commands/image.ts') },
  system: { summary: 'Disk usage (df) and cleanup (prune)', load: () => import('./commands/system.ts') },
  inspect: { summary: 'Show an image or container as JSON', load: () => import('./commands/inspect.ts') },
  run: { summary: 'Run a command in a new container', failCode: 125, load: () => import('./commands/run.ts') },
  ps: { summary: 'List containers', load: () => import('./commands/ps.ts') },
  logs: { summary: "Print a container's output", load: () => import('./commands/logs.ts') },
  stop: { summary: 'Stop running containers (SIGTERM, then SIGKILL)', load: () => import('./commands/stop.ts') },
  kill: { summary: "Send a signal to containers' main process", load: () => import('./commands/kill.ts') },
  wait: { summary: 'Wait for containers to end, print their exit codes', load: () => import('./commands/wait.ts') },
  rm: { summary: 'Remove containers', load: () => import('./commands/rm.ts') },
  exec: { summary: 'Run a command in a running container', failCode: 125, load: () => import('./commands/exec.ts') },
  network: { summary: 'Manage networks (create, ls, inspect, rm, prune)', load: () => import('./commands/network.ts') },
  port: { summary: "List a container's published ports", load: () => import('./commands/port.ts') },
  commit: { summary: "Create an image from a container's changes", load: () => import('./commands/commit.ts') },
};

export const aliases: Record<string, string> = {};
