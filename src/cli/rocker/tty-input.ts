import { UserError } from '../../common/errors.ts';

/**
 * Docker's check before -it: a terminal in the container needs one to read
 * from, else the session would hang or garble. Docker exits 1 here.
 */
export function requireTerminalInput(tty: boolean, interactive: boolean): void {
  if (tty && interactive && !process.stdin.isTTY) throw new UserError('the input device is not a TTY', 1);
}
