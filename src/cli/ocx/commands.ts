/** A command module: parses its own arguments, does the work, prints. Returns the exit code. */
export type CommandRun = (args: string[]) => Promise<number | void>;

interface CommandEntry {
  summary: string;
  load: () => Promise<{ default: CommandRun }>;
}

// Loaded lazily so that `ocx --version` and each command load only what they use.
export const commands: Record<string, CommandEntry> = {
  opencode: { summary: 'Run OpenCode in the project\'s container (alias: o)', load: () => import('./commands/opencode.ts') },
  build: { summary: 'Build the base and final images (skips what is current)', load: () => import('./commands/build.ts') },
  image: { summary: 'Manage images: list, prune, remove-all', load: () => import('./commands/image.ts') },
  config: { summary: 'Show the merged configuration (--sources: where each value came from)', load: () => import('./commands/config.ts') },
  shell: { summary: 'Open bash in the running container', load: () => import('./commands/shell.ts') },
  exec: { summary: 'Run a command in the running container', load: () => import('./commands/exec.ts') },
  stop: { summary: 'Stop the project\'s container', load: () => import('./commands/stop.ts') },
  ps: { summary: 'List running ocx containers (-a: all)', load: () => import('./commands/ps.ts') },
  stats: { summary: 'Resource usage of the project\'s container (--all: every ocx container)', load: () => import('./commands/stats.ts') },
  port: { summary: 'Print the project\'s port', load: () => import('./commands/port.ts') },
  volume: { summary: 'Show the project\'s data volumes', load: () => import('./commands/volume.ts') },
  upgrade: { summary: 'Check for a newer OpenCode and rebuild (--check, -y)', load: () => import('./commands/upgrade.ts') },
  docs: { summary: 'Download OpenCode\'s documentation (--dir PATH)', load: () => import('./commands/docs.ts') },
};

export const aliases: Record<string, string> = { o: 'opencode', run: 'opencode' };
