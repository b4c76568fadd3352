import { runningContainer } from '../running.ts';
import { commandParser, parseArgs } from '../parse.ts';

// bash where the image has it (the default base does), else sh: a busybox or Alpine base has no bash.
const SHELL = 'if command -v bash >/dev/null 2>&1; then exec bash "$@"; else exec sh "$@"; fi';

export default async function shell(args: string[]): Promise<number> {
  const { opts } = parseArgs<{ command?: string }>(
    commandParser('shell', 'Open bash in the running container, as your user, where you are in the project')
      .option('-c, --command <cmd>', 'run CMD (bash -c) instead of an interactive shell; its exit code is returned'), args);
  const { p, engine } = await runningContainer();
  const cmd = opts.command === undefined ? [] : ['-c', opts.command];
  const tty = !!process.stdin.isTTY && (opts.command === undefined || !!process.stdout.isTTY);
  return engine.exec(p.container, ['sh', '-c', SHELL, 'sh', ...cmd], tty, p.workdir);
}
