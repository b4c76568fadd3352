import { readdirSync, readlinkSync } from 'node:fs';

/** The names in a directory, or none when it does not exist (yet) or cannot be read. */
export function dirEntries(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** A symbolic link's target, or undefined when there is no link (or it cannot be read). */
export function readLinkOr(path: string): string | undefined {
  try {
    return readlinkSync(path);
  } catch {
    return undefined;
  }
}
