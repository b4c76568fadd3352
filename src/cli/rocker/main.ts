// Entry point of `rocker`. Kept free of heavy imports: `--version` must start fast.
import { guardStdout, writeOut, runCommand, start } from '../entry.ts';
import { noSpaceError } from '../../common/errors.ts';
import { commands, findCommand, type CommandGroup } from './commands.ts';

const VERSION = process.env.PKG_VERSION ?? '0.0.0-dev';

function usage(): string {
  const rows: Array<[string, string]> = [...Object.keys(commands).map((n): [string, string] => [n, commands[n]!.summary]), ['help', "Show this text, or a command's ('rocker help run')"]];
  const width = Math.max(...rows.map(([n]) => n.length));
  return [
    'Usage: rocker [--root DIR] [--runtime PATH] COMMAND [ARG...]',
    '',
    'A daemonless container engine.',
    '',
    'Commands:',
    ...rows.map(([n, summary]) => `  ${n.padEnd(width)}  ${summary}`),
    '',
    'Global options:',
    '  --root DIR       store root (env ROCKER_ROOT, default /var/lib/rocker; for users ~/.local/share/rocker)',
    '  --runroot DIR    runtime state (env ROCKER_RUNROOT, default /run/rocker; for users $XDG_RUNTIME_DIR/rocker)',
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
      writeOut(`rocker version ${VERSION}\n`);
      return 0;
    }
    if (a === '--help' || a === '-h') {
      writeOut(`${usage()}\n`);
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
    // Docker prints its help and succeeds.
    writeOut(`${usage()}\n`);
    return 0;
  }
  if (word === 'version') {
    writeOut(`rocker version ${VERSION}\n`);
    return 0;
  }
  // `rocker help [COMMAND...]` is `rocker [COMMAND...] --help`.
  const words = word === 'help' ? [...argv.slice(i + 1), '--help'] : argv.slice(i);
  if (words[0] === '--help') {
    writeOut(`${usage()}\n`);
    return 0;
  }
  const found = findCommand(words);
  if (!found) {
    process.stderr.write(`rocker: unknown command "${words[0]}" (see 'rocker --help')\n`);
    return 1;
  }
  if ('group' in found) return groupUsage(found.name, found.group, found.sub);
  const { entry, name } = found;
  const failCode = entry.failCode ?? 1;
  const args = words.slice(found.used);
  const wantsHelp = args.includes('--help') || args.includes('-h');
  // Commander prints help through process.stdout.
  if (entry.streamsStdout || wantsHelp) guardStdout();
  if (!wantsHelp && process.getuid?.() !== 0) {
    // Rootless: the same command again, inside the user's namespace (docs/security.md).
    const { enterRootless } = await import('../../engine/engine.ts');
    return runCommand('rocker', name, () => enterRootless(argv), failCode, 125);
  }
  const [{ openEngine }, mod] = await Promise.all([import('../../engine/engine.ts'), entry.load()]);
  const engine = openEngine({ root: global.root, runRoot: global.runroot, runtime: global.runtime });
  // Usage errors (an unknown flag, a missing operand) are Docker's 125 on every command.
  // A full disk is named as the store's, not as whatever write met it first.
  const run = () => mod.default(args, { engine }).catch((err: unknown) => {
    throw noSpaceError(err, `${name} failed`, engine.paths.root) ?? err;
  });
  return runCommand('rocker', name, run, failCode, 125);
}

/** `rocker image` alone or with --help lists its subcommands; an unknown one is an error. */
function groupUsage(name: string, group: CommandGroup, sub: string | undefined): number {
  const subs = Object.entries(group.subcommands).filter(([, e]) => typeof e === 'string' || !e.hidden).map(([n]) => n).join(', ');
  if (sub === undefined || sub === '--help' || sub === '-h') {
    writeOut(`Usage: rocker ${name} COMMAND\n\n${group.summary}\n\nCommands: ${subs}\n`);
    return 0;
  }
  process.stderr.write(`rocker: unknown ${name} command "${sub}" (${subs})\n`);
  return 1;
}

start('rocker', main, 125, true);
