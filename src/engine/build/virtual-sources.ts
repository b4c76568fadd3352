import { chmodSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { oneLine, UserError } from '../../common/errors.ts';
import { heredocName, type Heredoc } from './dockerfile.ts';
import { Tree } from './tree.ts';

/**
 * Sources that are not files of the context: heredoc bodies (`COPY <<EOF
 * /x`) and downloads (`ADD https://…`). They are written to a scratch
 * directory, which then serves as the step's source tree; the caller
 * removes it.
 */
export interface VirtualSources {
  tree: Tree;
  /** The source names to copy, in the order written. */
  names: string[];
}

const isUrl = (s: string) => /^https?:\/\//.test(s);

export function hasVirtualSources(sources: string[]): boolean {
  return sources.some((s) => isUrl(s) || heredocName(s) !== undefined);
}

/** The file name an ADD of a URL gets in a destination directory: the last path segment, as Docker does. */
function urlName(url: string): string {
  const name = posix.basename(new URL(url).pathname);
  if (!name) throw new UserError(`ADD ${url}: cannot tell a file name from the URL: give a destination file name`);
  return name;
}

async function download(url: string, path: string): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, { redirect: 'follow', signal: AbortSignal.timeout(300_000) });
  } catch (err) {
    throw new UserError(`ADD ${url}: download failed: ${oneLine(err)}`);
  }
  if (!res.ok) throw new UserError(`ADD ${url}: download failed: HTTP ${res.status} ${res.statusText}`);
  writeFileSync(path, Buffer.from(await res.arrayBuffer()));
  // Docker gives downloads mode 0600 and the Last-Modified time (or none).
  chmodSync(path, 0o600);
  const modified = Date.parse(res.headers.get('last-modified') ?? '');
  utimesSync(path, 0, Number.isNaN(modified) ? 0 : modified / 1000);
}

export async function virtualSources(kw: string, sources: string[], heredocs: Heredoc[], scratch: string): Promise<VirtualSources> {
  const names: string[] = [];
  for (const [i, s] of sources.entries()) {
    const dir = join(scratch, String(i));
    mkdirSync(dir);
    const doc = heredocName(s);
    if (doc !== undefined) {
      const body = heredocs.find((h) => h.name === doc);
      if (!body) throw new UserError(`${kw} ${s}: no heredoc named ${doc}`);
      writeFileSync(join(dir, doc), body.body, { mode: 0o644 });
      utimesSync(join(dir, doc), 0, 0);
      names.push(`${i}/${doc}`);
    } else if (isUrl(s)) {
      if (kw !== 'ADD') throw new UserError(`${kw} ${s}: only ADD downloads URLs`);
      const name = urlName(s);
      await download(s, join(dir, name));
      names.push(`${i}/${name}`);
    } else throw new UserError(`${kw} ${s}: a local source cannot be mixed with heredocs or URLs in one instruction`);
  }
  return { tree: new Tree({ layers: [scratch], isOpaque: () => false }, { what: 'the heredocs and downloads', ignored: () => false, mayHideChildren: false }), names };
}
