import { createHash } from 'node:crypto';
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { createGzip } from 'node:zlib';
import { UserError, oneLine } from '../../common/errors.ts';
import { MT } from '../oci/schemas.ts';
import { sniff } from '../tar/compression.ts';
import { addLayerBlob } from './blobs.ts';
import type { LayerStore } from './store.ts';

export interface VerifiedImportOptions {
  /** Names the layer in errors: "busybox:latest: layer sha256:0123456789ab". */
  what: string;
  /** The diff_id the image config promises. */
  diffId: string;
  /** What a registry or manifest says the bytes are: checked before the layer becomes visible. */
  blob?: { digest: string; size: number };
  /** Repository the blob came from, remembered for cross-repository mounts on push. */
  source?: string;
  onBytes?: (n: number) => void;
}

/**
 * Counts, hashes and optionally keeps the raw bytes on their way to the
 * extractor. Compressed input (gzip, zstd) is kept as-is; plain tar is kept
 * gzip-compressed so that push and save have a compressed blob whose
 * uncompressed digest is the layer's diff_id.
 */
class Tap extends Transform {
  readonly hash = createHash('sha256');
  bytes = 0;
  tooLarge = false;
  kind?: 'gzip' | 'zstd' | 'tar' | 'other';
  private fd?: number;
  private gzip?: ReturnType<typeof createGzip>;
  readonly gzipHash = createHash('sha256');
  gzipBytes = 0;
  private gzipDone?: Promise<void>;
  private digest?: string;

  /** sha256 of every byte that passed (call once the input has ended). */
  rawDigest(): string {
    this.digest ??= `sha256:${this.hash.digest('hex')}`;
    return this.digest;
  }

  constructor(private readonly keepPath: string, private readonly limit: number | undefined, private readonly onBytes?: (n: number) => void) {
    super({ highWaterMark: 1 << 20 });
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    if (this.kind === undefined) this.start(chunk);
    this.bytes += chunk.length;
    if (this.limit !== undefined && this.bytes > this.limit) {
      this.tooLarge = true;
      cb(new UserError(`the blob is larger than the ${this.limit} bytes its descriptor declares`));
      return;
    }
    this.hash.update(chunk);
    this.onBytes?.(chunk.length);
    try {
      if (this.fd !== undefined && !this.gzip) writeSync(this.fd, chunk);
      if (this.gzip) this.gzip.write(chunk);
    } catch (e) {
      cb(e as Error);
      return;
    }
    cb(null, chunk);
  }

  override _flush(cb: TransformCallback): void {
    this.gzip?.end();
    cb();
  }

  private start(head: Buffer): void {
    const kind = sniff(head);
    this.kind = kind === 'gzip' || kind === 'zstd' ? kind : kind === 'none' ? 'tar' : 'other';
    if (this.kind === 'other') return;
    this.fd = openSync(this.keepPath, 'w', 0o644);
    if (this.kind === 'tar') {
      const gzip = createGzip({ level: 3 });
      this.gzip = gzip;
      const fd = this.fd;
      gzip.on('data', (c: Buffer) => {
        this.gzipHash.update(c);
        this.gzipBytes += c.length;
        writeSync(fd, c);
      });
      this.gzipDone = new Promise((resolve, reject) => {
        gzip.on('end', resolve);
        gzip.on('error', reject);
      });
    }
  }

  /** The kept blob, once the input has ended. */
  async kept(): Promise<{ digest: string; size: number; mediaType: string } | undefined> {
    if (this.fd === undefined) return undefined;
    await this.gzipDone;
    closeSync(this.fd);
    this.fd = undefined;
    if (this.kind === 'tar') return { digest: `sha256:${this.gzipHash.digest('hex')}`, size: this.gzipBytes, mediaType: MT.ociLayerGzip };
    return { digest: this.rawDigest(), size: this.bytes, mediaType: this.kind === 'zstd' ? MT.ociLayerZstd : MT.ociLayerGzip };
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.gzip?.destroy();
  }
}

/** Reads what is left of the input through the tap (hashing it) after the extractor gave up. */
async function drain(tap: Tap): Promise<void> {
  if (tap.readableEnded || tap.destroyed) return;
  tap.unpipe();
  await new Promise<void>((resolve) => {
    tap.once('end', resolve).once('error', () => resolve()).once('close', () => resolve());
    tap.resume();
  });
}

/** Throws when the bytes were not the blob the descriptor promised: download error, wrong size, wrong digest. */
function checkBlob(tap: Tap, inputError: Error | undefined, opts: VerifiedImportOptions): void {
  if (inputError) {
    const cause = oneLine(inputError).replace(/\.? For more information, pass `verbose: true`.*$/, '');
    throw new UserError(`${opts.what}: download failed${opts.blob ? ` after ${tap.bytes} of ${opts.blob.size} bytes` : ''}: ${cause}`);
  }
  if (!opts.blob) return;
  if (tap.tooLarge) throw new UserError(`${opts.what}: the blob is larger than the ${opts.blob.size} bytes its descriptor declares`);
  if (tap.bytes !== opts.blob.size) throw new UserError(`${opts.what}: the download is truncated (${tap.bytes} of ${opts.blob.size} bytes)`);
  const got = tap.rawDigest();
  if (got !== opts.blob.digest) throw new UserError(`${opts.what}: blob digest mismatch (expected ${opts.blob.digest}, got ${got})`);
}

/**
 * Unpacks a layer from a registry blob or an archive member, verifying the
 * blob's size and digest and the layer's diff_id before the layer appears in
 * the store: a mismatch, a truncated or reset download leaves nothing behind.
 * The layer is pinned like LayerStore.importStream's.
 */
export async function importVerified(layers: LayerStore, input: Readable, opts: VerifiedImportOptions): Promise<{ diffId: string; size: number }> {
  const stage = layers.staging('pull');
  const keepPath = `${stage}.blob`;
  const tap = new Tap(keepPath, opts.blob?.size, opts.onBytes);
  let inputError: Error | undefined;
  input.on('error', (e) => {
    inputError = e;
    tap.destroy(e);
  });
  input.pipe(tap);
  try {
    const strip = (e: unknown) => oneLine(e).replace(`cannot import ${opts.what}: `, '');
    let extracted;
    try {
      extracted = await layers.unpack(tap, stage, opts.what);
    } catch (e) {
      // The extractor stops at the first bad byte; reading the rest tells a corrupt or
      // short blob (the registry's fault) from hostile content (the image's).
      if (opts.blob && !tap.tooLarge) await drain(tap);
      checkBlob(tap, inputError, opts);
      throw new UserError(`${opts.what}: ${strip(e)}`);
    }
    checkBlob(tap, inputError, opts);
    if (extracted.diffId !== opts.diffId) throw new UserError(`${opts.what}: the layer's content does not match the image config (diff_id ${extracted.diffId}, expected ${opts.diffId})`);
    const kept = await tap.kept();
    await layers.commitStaged(stage, extracted, () => {
      if (!kept) return;
      layers.content.adopt(keepPath, kept.digest);
      addLayerBlob(layers, extracted.diffId, { ...kept, diffId: extracted.diffId, sources: opts.source ? [opts.source] : [] });
    });
    return { diffId: extracted.diffId, size: extracted.size };
  } finally {
    tap.close();
    input.unpipe?.(tap);
    if (!inputError) input.destroy();
    rmSync(stage, { recursive: true, force: true });
    rmSync(keepPath, { force: true });
  }
}
