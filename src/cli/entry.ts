// What both CLIs' entry points do the same way. Kept free of heavy imports:
// `--version` loads this.
import { describeFsError, errnoCode, oneLine, OutputError, UserError } from '../common/errors.ts';
import { writeAll } from '../common/write-all.ts';

/**
 * Runs a command, turning what it throws into one line on stderr and an exit
 * code: `usageCode` for a bad flag or operand (Docker's 125 for rocker),
 * `failCode` for the command's own failures.
 */
export async function runCommand(prog: string, name: string, run: () => Promise<number | void>, failCode: number, usageCode = failCode): Promise<number> {
  try {
    return (await run()) ?? 0;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('commander.')) {
      // Commander has already printed its message (or the help text).
      return (err as { exitCode?: number }).exitCode === 0 ? 0 : usageCode;
    }
    if (err instanceof UserError) {
      process.stderr.write(`${prog}: ${oneLine(err)}\n`);
      return err.exitCode ?? failCode;
    }
    process.stderr.write(`${prog}: ${name} failed: ${oneLine(err)}\n`);
    if (process.env[`${prog.toUpperCase()}_DEBUG`]) console.error(err);
    return failCode;
  }
}

let guarded = false;

/**
 * Writes `text` to fd 1 at once, without process.stdout: making that
 * stream costs 6-10 ms here (bench/README.md, issue 15), more than most
 * commands' own work. A reader that goes away (`rocker ps | head`) ends the
 * process quietly, as with guardStdout; a non-blocking pipe is waited out.
 */
export function writeOut(text: string): void {
  try {
    writeAll(1, Buffer.from(text));
  } catch (err) {
    if (errnoCode(err) === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw new OutputError(`cannot write to standard output: ${describeFsError(err)}`);
  }
}

/**
 * The same for a command that hands process.stdout to a stream (logs,
 * save, pull's progress): called before its first write.
 */
export function guardStdout(): void {
  if (guarded) return;
  guarded = true;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
}

/** Starts `main` and sets the exit code; `lazyStdout`: main calls guardStdout itself, only when it uses process.stdout. */
export function start(prog: string, main: (argv: string[]) => Promise<number>, crashCode: number, lazyStdout = false): void {
  if (!lazyStdout) guardStdout();
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`${prog}: ${oneLine(err)}\n`);
      process.exitCode = crashCode;
    },
  );
}
