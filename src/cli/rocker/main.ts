// Entry point of `rocker`. Kept free of heavy imports: `--version` must start fast.
import { runCommand, start } from '../entry.ts';
import { noSpaceError } from '../../common/errors.ts';
import { aliases, commands } from './commands.ts';

const VERSION = process.env.PKG_VERSION ?? '0.0.0-dev';

function usage(): string {
  const names = Object.keys(commands);
  const width = Math.max(...names.map((n) => n.length));
  return [
    'Usage: rocker [--root DIR] [--runtime PATH] COMMAND [ARG...]',
    '',
    'A daemonless container engine.',
    '',
    'Commands:',
    ...names.map((n) => `  ${n.padEnd(width)}  ${commands[n]!.summary}`),
    '',
    'Global options:',
    '  --root DIR       store root (env ROCKER_ROOT, default /var/lib/rocker)',
    '  --runroot DIR    runtime state (env ROCKER_RUNROOT, default /run/rocker)',
    '  --runtime PATH   OCI runtime (env ROCKER_RUNTIME, default runc)',
    '  -v, --version    print the version',
    '',
    "Run 'rocker COMMAND --help' for a command's options.",
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const global: Record<string, string | undefined> = {
    root: process.env.ROCKER_ROOT,
    runroot: process.env.ROCKER_RUNROOT,
    runtime: process.env.ROCKER_RUNTIME,
  };
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--version' || a === '-v') {
      process.stdout.write(`rocker version ${VERSION}\n`);
      return 0;
    }
    if (a === '--help' || a === '-h') {
      process.stdout.write(`${usage()}\n`);
      return 0;
    }
    const m = /^--(root|runroot|runtime)(?:=(.*))?$/.exec(a);
    if (!m) break;
    const value = m[2] ?? argv[++i];
    if (value === undefined || value === '') {
      process.stderr.write(`rocker: --${m[1]} needs a value\n`);
      return 125;
    }
    global[m[1]!] = value;
  }
  const word = argv[i];
  if (word === undefined) {
    process.stderr.write(`${usage()}\n`);
    return 1;
  }
  if (word === 'version') {
    process.stdout.write(`rocker version ${VERSION}\n`);
    return 0;
  }
  const name = aliases[word] ?? word;
  const entry = commands[name];
  if (!entry) {
    process.stderr.write(`rocker: unknown command "${word}" (see 'rocker --help')\n`);
    return 1;
  }
  const failCode = entry.failCode ?? 1;
  const args = argv.slice(i + 1);
  const wantsHelp = args.includes('--help') || args.includes('-h');
  if (!entry.noRoot && !wantsHelp && process.getuid?.() !== 0) {
    process.stderr.write(`rocker: ${name} needs root (run it with sudo); rootless mode is not supported yet\n`);
    return failCode;
  }
  const [{ makeContext }, { DEFAULT_ROOT, DEFAULT_RUNROOT }, mod] = await Promise.all([
    import('./context.ts'), import('../../engine/paths.ts'), entry.load(),
  ]);
  const ctx = makeContext({
    root: global.root ?? DEFAULT_ROOT,
    runRoot: global.runroot ?? DEFAULT_RUNROOT,
    runtime: global.runtime ?? 'runc',
  });
  return runCommand('rocker', name, () => mod.default(args, ctx).catch((err: unknown) => {
    throw noSpaceError(err, `${name} failed`, ctx.paths.root) ?? err;
  }), failCode);
}

start('rocker', main, 125);
