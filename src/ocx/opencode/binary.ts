// One verified OpenCode binary per version and architecture in
// ~/.cache/ocx/opencode/<version>/linux-<arch>/, shared by every project.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as v from 'valibot';
import { oneLine, UserError } from '../../common/errors.ts';
import { writeJsonAtomic } from '../../common/fs-atomic.ts';
import { object } from '../../common/schema.ts';
import { cacheDir } from '../paths.ts';
import { fileDigest, type Source } from './sources.ts';

const Meta = object({ version: v.string(), arch: v.string(), source: v.string(), verified: v.string(), sha256: v.string() });
export type BinaryMeta = v.InferOutput<typeof Meta>;

export function binaryDir(version: string, arch: string): string {
  return join(cacheDir(), 'opencode', version, `linux-${arch}`);
}

function magic(path: string, n: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(n);
    readSync(fd, b, 0, n, 0);
    return b;
  } finally {
    closeSync(fd);
  }
}

const isElf = (p: string) => magic(p, 4).equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));

function findFile(dir: string, name: string): string | undefined {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      const hit = findFile(p, name);
      if (hit) return hit;
    } else if (e.isFile() && e.name === name) return p;
  }
  return undefined;
}

/** The `opencode` executable out of a download: a gzip tarball (GitHub, npm) or the bare binary. */
function extractBinary(file: string, scratch: string): string {
  if (magic(file, 2).equals(Buffer.from([0x1f, 0x8b]))) {
    const out = join(scratch, 'x');
    mkdirSync(out);
    const r = spawnSync('tar', ['-xzf', file, '-C', out], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`cannot unpack ${file}: ${oneLine(r.stderr || r.error)}`);
    const bin = findFile(out, 'opencode');
    if (!bin) throw new Error('the archive holds no "opencode" file');
    if (!isElf(bin)) throw new Error('the archive\'s "opencode" is not a Linux executable');
    return bin;
  }
  if (!isElf(file)) throw new Error('the download is neither a .tar.gz nor a Linux executable');
  return file;
}

/** The cached binary if present and intact (its sha256 still matches what was verified). */
export async function cachedBinary(version: string, arch: string): Promise<{ path: string; meta: BinaryMeta } | undefined> {
  const dir = binaryDir(version, arch);
  try {
    const meta = v.parse(Meta, JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')));
    const path = join(dir, 'opencode');
    if ((await fileDigest(path, 'sha256')) !== meta.sha256) return undefined;
    return { path, meta };
  } catch {
    return undefined;
  }
}

/**
 * The binary for `version`, downloaded once from the first source that has it.
 * Each failing source gets a one-line note; all failing is an error listing why.
 */
export async function ensureBinary(version: string, arch: string, sources: Source[]): Promise<{ path: string; meta: BinaryMeta }> {
  const hit = await cachedBinary(version, arch);
  if (hit) return hit;
  const dir = binaryDir(version, arch);
  mkdirSync(join(cacheDir(), 'opencode'), { recursive: true });
  const failures: string[] = [];
  for (const [i, src] of sources.entries()) {
    const scratch = mkdtempSync(join(cacheDir(), 'opencode', '.dl-'));
    try {
      const got = await src.fetch(version, arch, scratch);
      const bin = extractBinary(got.file, scratch);
      const meta: BinaryMeta = { version, arch, source: src.name, verified: got.verified, sha256: await fileDigest(bin, 'sha256') };
      const staged = join(scratch, 'staged');
      mkdirSync(staged);
      renameSync(bin, join(staged, 'opencode'));
      writeJsonAtomic(join(staged, 'meta.json'), meta);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(join(dir, '..'), { recursive: true });
      renameSync(staged, dir);
      process.stderr.write(`OpenCode ${version} from ${src.name}, verified: ${got.verified}\n`);
      return { path: join(dir, 'opencode'), meta };
    } catch (err) {
      failures.push(`${src.name}: ${oneLine(err)}`);
      const next = sources[i + 1];
      if (next) process.stderr.write(`note: ${src.name} failed (${oneLine(err)}); trying ${next.name}\n`);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
  throw new UserError(`cannot download OpenCode ${version}: ${failures.join('; ')}`);
}

export function binarySize(path: string): number {
  return existsSync(path) ? statSync(path).size : 0;
}
