import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** The names in a directory, or none when it does not exist (yet) or cannot be read. */
export function dirEntries(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** What a directory holds, split the way the image store walks it. */
export interface DirListing {
  dirs: string[];
  files: string[];
}

/** The directory's sub-directories and other entries; undefined when it is not a readable directory. */
export function listDir(path: string): DirListing | undefined {
  try {
    const entries = readdirSync(path, { withFileTypes: true });
    return { dirs: entries.filter((e) => e.isDirectory()).map((e) => e.name), files: entries.filter((e) => !e.isDirectory()).map((e) => e.name) };
  } catch {
    return undefined;
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

/**
 * A file's text, or undefined when it is not there (or cannot be read). The
 * existsSync first: a thrown ENOENT costs more, and the callers' files (a
 * container's exit, pid and health) are usually absent.
 */
export function readTextOr(path: string): string | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
