import { readdirSync } from 'node:fs';

/** The names in a directory, or none when it does not exist (yet) or cannot be read. */
export function dirEntries(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
