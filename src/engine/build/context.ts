import ignore from '@balena/dockerignore';
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describeFsError, UserError } from '../../common/errors.ts';
import { Tree } from './tree.ts';

function readIgnoreFile(path: string): string[] | undefined {
  try {
    return readFileSync(path, 'utf8').split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  } catch {
    return undefined;
  }
}

/**
 * The build context: a directory read in place (nothing is copied or sent
 * anywhere), seen through its ignore file with Docker's semantics:
 * `<Dockerfile>.dockerignore` beside the Dockerfile if there is one, else
 * `.dockerignore` at the root.
 */
export function contextTree(dir: string, dockerfilePath?: string): Tree {
  let root: string;
  try {
    root = realpathSync(dir);
    if (!statSync(root).isDirectory()) throw new UserError(`build context ${dir}: not a directory`);
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`build context ${dir}: ${describeFsError(err)}`);
  }
  const beside = dockerfilePath ? readIgnoreFile(join(dirname(dockerfilePath), `${basename(dockerfilePath)}.dockerignore`)) : undefined;
  const patterns = beside ?? readIgnoreFile(join(root, '.dockerignore')) ?? [];
  const ig = ignore().add(patterns);
  return new Tree(
    { layers: [root], isOpaque: () => false },
    { what: 'the build context', ignored: (rel) => rel !== '' && ig.ignores(rel), mayHideChildren: patterns.some((p) => p.startsWith('!')) },
  );
}
