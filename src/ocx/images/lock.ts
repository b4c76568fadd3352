// One build of an image at a time, across ocx processes of this user: two
// first runs at once would otherwise both build everything. The second waits,
// then finds the image built and reuses it.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { errnoCode } from '../../common/errors.ts';
import { pidAlive } from '../../common/process.ts';
import { cacheDir } from '../paths.ts';

/** Runs `fn` holding the lock for `ref`; a lock left by a process that is gone is taken over. */
export async function withBuildLock<T>(ref: string, fn: () => Promise<T>): Promise<T> {
  const dir = join(cacheDir(), 'locks');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${ref.replace(/[^\w.-]/g, '_')}.lock`);
  let told = false;
  for (;;) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      break;
    } catch (err) {
      if (errnoCode(err) !== 'EEXIST') throw err;
    }
    let holder = NaN;
    try {
      holder = Number(readFileSync(file, 'utf8'));
    } catch {
      continue; // released between our two calls
    }
    // An empty file is a holder between create and write: wait for it like any other.
    if (holder > 0 && !pidAlive(holder)) {
      rmSync(file, { force: true });
      continue;
    }
    if (!told) process.stderr.write(`Waiting for another ocx (pid ${holder || '?'}) to finish building ${ref}\n`);
    told = true;
    await new Promise((r) => setTimeout(r, 300));
  }
  try {
    return await fn();
  } finally {
    rmSync(file, { force: true });
  }
}
