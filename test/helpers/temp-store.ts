// A store in a temporary directory for unit tests of the container store's
// files: its paths, and one container's directory made (no record in it).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { containerFiles } from '../../src/engine/container-store/store.ts';
import { storePaths } from '../../src/engine/paths.ts';

const made: string[] = [];

/** Removes every store this file's tests made: pass it to afterAll. */
export function removeTempStores(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

export function tempContainer(prefix: string, id: string) {
  const d = mkdtempSync(join(tmpdir(), prefix));
  made.push(d);
  const paths = storePaths(join(d, 'root'), join(d, 'run'));
  const files = containerFiles(paths, id);
  mkdirSync(files.dir, { recursive: true });
  return { paths, id, files };
}
