/**
 * An error meant for the user: printed as one line, exit code chosen by the
 * command (Docker's 125 for `run`/`exec`, 1 elsewhere) unless set here.
 */
export class UserError extends Error {
  constructor(message: string, readonly exitCode?: number) {
    super(message);
    this.name = 'UserError';
  }
}

/** Our own output could not be written (a full or closed destination): not the store's fault. */
export class OutputError extends UserError {}

/** The message of any thrown value, on one line. */
export function oneLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.replace(/\s*\n\s*/g, '; ').trim();
}

/** Node's errno errors, for describing file-system causes in plain words. */
export function errnoCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;
}

const causes: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory, not a file',
  ENOTDIR: 'not a directory',
  ENOSPC: 'no space left on device',
  EEXIST: 'already exists',
};

/** "cannot read /x: no such file or directory" style cause for fs errors. */
export function describeFsError(err: unknown): string {
  const code = errnoCode(err);
  return (code && causes[code]) || oneLine(err);
}

/**
 * A full disk, said once and plainly: whatever failed to write (a tar
 * member, a record, a blob) matters less than where space ran out. Keeps
 * the command's own "cannot X" when it said one, else says `fallback`;
 * undefined for other errors.
 */
export function noSpaceError(err: unknown, fallback: string, store: string): UserError | undefined {
  if (err instanceof OutputError) return undefined;
  const message = err instanceof Error ? err.message : String(err);
  if (errnoCode(err) !== 'ENOSPC' && !/no space left on device/i.test(message)) return undefined;
  const what = err instanceof UserError && message.startsWith('cannot ') ? message.slice(0, message.indexOf(': ')) : fallback;
  return new UserError(`${what}: no space left on device in the store (${store})`, err instanceof UserError ? err.exitCode : undefined);
}
