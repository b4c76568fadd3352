import { existsSync, statSync } from 'node:fs';
import { readTextOr } from '../../common/dir.ts';

/** An exit file's text and, when asked for, when it was written (the container's end). */
export interface ExitFile {
  text: string;
  mtimeMs?: number;
}

/** A whole exit file: the monitor writes the code in one short write, so an empty or partial one means "not yet". */
export const EXIT_CODE = /^\d+\s*$/;

/** `<dir>/exit`, read; undefined while there is none. */
export function readExitFile(path: string, withTime: boolean): ExitFile | undefined {
  const text = readTextOr(path);
  if (text === undefined) return undefined;
  if (!withTime) return { text };
  try {
    return { text, mtimeMs: statSync(path).mtimeMs };
  } catch {
    return undefined; // removed meanwhile
  }
}

/**
 * The exit of a container directory `dir` when it is settled: whole, and
 * no restart pending (no `restarting` file). It then holds for as long as
 * the directory is unchanged: the monitor makes `restarting` before it
 * writes an exit, and a new run removes the old exit before it begins, so
 * any change to either is a change of the directory's entries.
 */
export function readSettledExit(dir: string): ExitFile | undefined {
  const got = readExitFile(`${dir}/exit`, true);
  return got && EXIT_CODE.test(got.text) && !existsSync(`${dir}/restarting`) ? got : undefined;
}
