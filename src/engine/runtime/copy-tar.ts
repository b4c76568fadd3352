/*
 * `cp` with "-", Docker's tar streams: `cp CONTAINER:PATH -` writes a tar
 * of PATH (its name at the top) to a stream; `cp - CONTAINER:DIR` extracts
 * a tar (compressed or not) into a directory of the container. Both go
 * through a staging directory in the store's tmp/: out, so the tar is made
 * by the one writer from what the file copy already gets right (merged
 * layers, links kept, never followed out); in, so every member passes the
 * engine's tar member guard before anything lands in the container.
 */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { UserError } from '../../common/errors.ts';
import { extractTar } from '../tar/extract.ts';
import { upperDirTar } from '../tar/writer.ts';
import { copyFromContainer, copyToContainer, isContainerDir, type ContainerFs } from './copy.ts';

/**
 * A staging directory: `stage()` makes one the layer store's way (named by
 * pid, so a killed process's is removed later); it goes when done, and also
 * when the process exits at once (a reader of stdout that went away).
 */
export type Stage = () => string;

async function withStaging<T>(stage: Stage, use: (dir: string) => Promise<T>): Promise<T> {
  const top = stage();
  const remove = () => rmSync(top, { recursive: true, force: true });
  process.once('exit', remove);
  try {
    return await use(join(top, 'diff'));
  } finally {
    process.off('exit', remove);
    remove();
  }
}

export function tarFromContainer(stage: Stage, fs: ContainerFs, name: string, path: string, out: Writable): Promise<void> {
  return withStaging(stage, async (dir) => {
    copyFromContainer(fs, name, path, dir);
    // The staged tree has no overlay whiteouts: nothing is opaque.
    await pipeline(upperDirTar(dir, () => false), out, { end: false });
  });
}

export async function tarIntoContainer(stage: Stage, fs: ContainerFs, name: string, dest: string, input: Readable): Promise<void> {
  const isDir = isContainerDir(fs, name, dest);
  if (isDir === undefined) throw new UserError(`no such directory in container ${name}: ${dest}`);
  if (!isDir) throw new UserError(`cannot extract a tar into ${name}:${dest}: not a directory`);
  await withStaging(stage, async (dir) => {
    const what = 'the tar on stdin';
    // The tar code words its errors for imports; here the user is copying.
    await extractTar(input, dir, what).catch((err: unknown) => {
      const prefix = `cannot import ${what}: `;
      if (err instanceof UserError && err.message.startsWith(prefix)) throw new UserError(`cannot copy ${what} into ${name}:${dest}: ${err.message.slice(prefix.length)}`);
      throw err;
    });
    for (const entry of readdirSync(dir)) copyToContainer(fs, name, join(dir, entry), dest);
  });
}
