import { UserError } from '../../../common/errors.ts';
import { runningContainer } from '../running.ts';

/** `ocx exec CMD [ARG...]`: the command and its arguments go to the container untouched. */
export default async function exec(args: string[]): Promise<number> {
  if (args[0] === '--help' || args[0] === '-h') {
    console.log('Usage: ocx exec CMD [ARG...]\n\nRun a command in the project\'s running container; its exit code is returned.');
    return 0;
  }
  if (args.length === 0) throw new UserError("exec needs a command, e.g. 'ocx exec ls -la'");
  const { p, engine } = await runningContainer();
  return engine.exec(p.container, args, !!process.stdin.isTTY && !!process.stdout.isTTY, p.workdir);
}
