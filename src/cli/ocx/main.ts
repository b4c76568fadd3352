// Entry point of `ocx`. Kept free of heavy imports: `--version` and
// `ocx opencode` must start fast.
import { runCommand, start } from '../entry.ts';
import { aliases, commands } from './commands.ts';

const VERSION = process.env.PKG_VERSION ?? '0.0.0-dev';

function usage(): string {
  const names = Object.keys(commands);
  const width = Math.max(...names.map((n) => n.length));
  return [
    'Usage: ocx COMMAND [ARG...]',
    '',
    'OpenCode in a hardened container, on rocker, Docker or Podman.',
    '',
    'Commands:',
    ...names.map((n) => `  ${n.padEnd(width)}  ${commands[n]!.summary}`),
    `  ${'help'.padEnd(width)}  Show this help`,
    '',
    'Options:',
    '  -v, --version   print the version',
    '  -h, --help      show this help',
    '',
    'Configuration: ~/.config/ocx/ocx.json, ./ocx.json, OCX_* env vars (env > project > global > defaults).',
    "Run 'ocx COMMAND --help' for a command's options; 'ocx config --sources' lists every key.",
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const word = argv[0];
  if (word === undefined) {
    process.stderr.write(`${usage()}\n`);
    return 1;
  }
  if (word === '--version' || word === '-v' || word === 'version') {
    process.stdout.write(`ocx ${VERSION}\n`);
    return 0;
  }
  if (word === '--help' || word === '-h' || word === 'help') {
    process.stdout.write(`${usage()}\n`);
    return 0;
  }
  const name = aliases[word] ?? word;
  const entry = commands[name];
  if (!entry) {
    process.stderr.write(`ocx: unknown command "${word}" (see 'ocx help')\n`);
    return 1;
  }
  const mod = await entry.load();
  return runCommand('ocx', name, () => mod.default(argv.slice(1)), 1);
}

start('ocx', main, 1);
