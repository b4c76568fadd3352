// Entry point of `ocx`. Kept free of heavy imports: `--version` and
// `ocx opencode` must start fast.
import { aliases, commands } from './commands.ts';

const VERSION = process.env.PKG_VERSION ?? '0.0.0-dev';

function usage(): string {
  const names = Object.keys(commands);
  const width = Math.max(...names.map((n) => n.length));
  return [
    'Usage: ocx COMMAND [ARG...]',
    '',
    'OpenCode in a hardened container, on Docker or Podman.',
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
  const [{ oneLine, UserError }, mod] = await Promise.all([import('../../common/errors.ts'), entry.load()]);
  try {
    return (await mod.default(argv.slice(1))) ?? 0;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('commander.')) {
      return (err as { exitCode?: number }).exitCode === 0 ? 0 : 1;
    }
    if (err instanceof UserError) {
      process.stderr.write(`ocx: ${oneLine(err)}\n`);
      return err.exitCode ?? 1;
    }
    process.stderr.write(`ocx: ${name} failed: ${oneLine(err)}\n`);
    if (process.env.OCX_DEBUG) console.error(err);
    return 1;
  }
}

// A reader that goes away (`rocker ps | head`) is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`ocx: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
