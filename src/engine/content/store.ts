import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { dirEntries } from '../../common/dir.ts';
import { UserError } from '../../common/errors.ts';
import { writeFileAtomic } from '../../common/fs-atomic.ts';
import { sha256Hex } from '../../common/random.ts';

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/**
 * Content-addressed blobs, `<root>/blobs/sha256/<hex>`: image configs,
 * manifests and compressed layer archives. The one owner of that directory
 * (containerd's content store plays the same part): a blob under its digest
 * is always complete and always the bytes that hash to it, because every
 * write either hashes the bytes itself or takes a file whose digest the
 * writer computed while writing it, and lands by rename.
 */
export class ContentStore {
  private readonly dir: string;

  constructor(root: string) {
    this.dir = join(root, 'blobs', 'sha256');
  }

  /** The file of a blob (it may not exist). */
  path(digest: string): string {
    if (!DIGEST.test(digest)) throw new UserError(`invalid blob digest "${digest}"`);
    return join(this.dir, digest.slice(7));
  }

  has(digest: string): boolean {
    return existsSync(this.path(digest));
  }

  /** A blob's bytes, or undefined when it is not in the store. */
  get(digest: string): Buffer | undefined {
    try {
      return readFileSync(this.path(digest));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  /** Size in bytes, or 0 when the blob is gone. */
  size(digest: string): number {
    try {
      return statSync(this.path(digest)).size;
    } catch {
      return 0;
    }
  }

  /** Stores bytes under their digest (hashed here); `expected`, when given, must match. Returns the digest. */
  put(bytes: Uint8Array, expected?: string): string {
    const digest = `sha256:${sha256Hex(bytes)}`;
    if (expected !== undefined && expected !== digest) throw new UserError(`blob digest mismatch (expected ${expected}, got ${digest})`);
    if (!this.has(digest)) {
      mkdirSync(this.dir, { recursive: true });
      writeFileAtomic(this.path(digest), bytes);
    }
    return digest;
  }

  /**
   * Moves in a file whose digest the caller computed while writing it (a
   * download or an archive streamed through a hash), on the same file system.
   * If the blob is there already the file is removed: same digest, same bytes.
   */
  adopt(file: string, digest: string): void {
    const target = this.path(digest);
    if (existsSync(target)) {
      rmSync(file, { force: true });
      return;
    }
    mkdirSync(this.dir, { recursive: true });
    renameSync(file, target);
  }

  /** Every blob's digest. */
  list(): string[] {
    return dirEntries(this.dir).filter((h) => /^[0-9a-f]{64}$/.test(h)).map((h) => `sha256:${h}`);
  }

  /** Every file in the blob directory, digests and leftovers of killed writers alike (for `system check`). */
  files(): Array<{ name: string; path: string }> {
    return dirEntries(this.dir).map((name) => ({ name, path: join(this.dir, name) }));
  }

  remove(digest: string): void {
    rmSync(this.path(digest), { force: true });
  }

  /** Removes every blob not in `keep`, and leftovers of killed writers. Call under the store lock. */
  collect(keep: Set<string>): void {
    for (const name of dirEntries(this.dir)) if (!keep.has(`sha256:${name}`)) rmSync(join(this.dir, name), { force: true });
  }
}
