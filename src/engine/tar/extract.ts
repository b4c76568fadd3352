import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { PassThrough, type Readable } from 'node:stream';
import { UserError } from '../../common/errors.ts';
import { decompress, detectCompression } from './compression.ts';
import { MemberGuard, UnsafeMemberError } from './member-guard.ts';
import { TarFormatError, TarScanner } from './tar-scan.ts';

export interface Extracted {
  /** sha256 of the uncompressed tar: the layer's diff_id. */
  diffId: string;
  /** Bytes of regular files, each counted once (hard links are not counted again). */
  size: number;
  /** Paths (relative to the root) of OCI whiteout files `.wh.*`, to turn into overlay whiteouts. */
  whiteouts: string[];
}

// GNU tar extracts; security.capability is the only extended attribute kept,
// so an archive cannot plant overlayfs's trusted.* attributes.
const TAR_ARGS = ['-x', '-f', '-', '--numeric-owner', '--same-owner', '--same-permissions',
  '--delay-directory-restore', '--warning=no-timestamp', '--warning=no-unknown-keyword',
  '--xattrs', '--xattrs-include=security.capability'];

/** Resolves with the first `n` bytes of `s` and a stream that still yields everything. */
async function peek(s: Readable, n: number): Promise<{ head: Buffer; stream: Readable }> {
  const parts: Buffer[] = [];
  let len = 0;
  const ended = await new Promise<boolean>((resolve, reject) => {
    const onData = (c: Buffer) => {
      parts.push(c);
      len += c.length;
      if (len >= n) {
        s.pause();
        done(false);
      }
    };
    const onEnd = () => done(true);
    const done = (end: boolean) => {
      s.off('data', onData).off('end', onEnd).off('error', reject);
      resolve(end);
    };
    s.on('data', onData).on('end', onEnd).on('error', reject);
  });
  const head = Buffer.concat(parts);
  const out = new PassThrough({ highWaterMark: 1 << 20 });
  out.write(head);
  if (ended) out.end();
  else {
    s.on('error', (e) => out.destroy(e));
    s.pipe(out);
  }
  return { head, stream: out };
}

/**
 * Extracts a (possibly compressed) tar stream into `dest` (an empty directory)
 * in one pass: GNU tar writes the files while this process hashes the bytes,
 * counts sizes and checks every member. Throws a UserError naming `what`;
 * on error `dest` may hold partial content and the caller removes it.
 */
export async function extractTar(input: Readable, dest: string, what: string): Promise<Extracted> {
  const { head, stream } = await peek(input, 512);
  const kind = detectCompression(head, what);
  const { output, done: decompressed } = decompress(stream, kind, what);
  decompressed.catch(() => undefined); // awaited below; this only marks it handled when an earlier step fails

  const hash = createHash('sha256');
  const guard = new MemberGuard();
  const whiteouts: string[] = [];
  let size = 0;
  const scanner = new TarScanner((e) => {
    const path = guard.check(e);
    const base = path.slice(path.lastIndexOf('/') + 1);
    if (base.startsWith('.wh.')) whiteouts.push(path);
    else if (e.type === '0' || e.type === '7') size += e.size;
  });

  const tar = spawn('tar', [...TAR_ARGS, '-C', dest], { stdio: ['pipe', 'ignore', 'pipe'] });
  let tarErr = '';
  tar.stderr.on('data', (d: Buffer) => (tarErr += d.toString()));
  tar.stdin.on('error', () => undefined); // tar's exit status reports its failures
  const tarExit = new Promise<number>((resolve, reject) => {
    tar.on('error', (e) => reject(new UserError(`cannot import ${what}: cannot run tar (${e.message}); apt-get install tar`)));
    tar.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });

  const fed = new Promise<void>((resolve, reject) => {
    output.on('data', (chunk: Buffer) => {
      try {
        scanner.push(chunk);
      } catch (e) {
        reject(e);
        return;
      }
      hash.update(chunk);
      if (!tar.stdin.write(chunk)) {
        output.pause();
        tar.stdin.once('drain', () => output.resume());
      }
    });
    output.on('end', () => {
      try {
        scanner.finish();
        resolve();
      } catch (e) {
        reject(e);
      }
    });
    output.on('error', reject);
  });

  try {
    await fed;
    await decompressed;
  } catch (err) {
    tar.kill('SIGKILL');
    // A truncated compressed file also looks like a truncated tar: the
    // decompressor's own cause is the better one, if it says so promptly.
    const cause = err instanceof TarFormatError
      ? await Promise.race([decompressed.then(() => err, (e) => e), new Promise((r) => setTimeout(() => r(err), 1000))])
      : err;
    output.destroy();
    await tarExit.catch(() => undefined);
    throw describe(cause, what);
  }
  tar.stdin.end();
  const code = await tarExit;
  const problems = tarErr.split('\n').map((l) => l.replace(/^tar:\s*/, '').trim()).filter((l) => l && !/^Exiting with failure/.test(l));
  // Device nodes cannot be made in a user namespace (rootless rocker); tar makes
  // everything else. A container gets its /dev from the runtime, so they are
  // left out, as containerd does in a user namespace.
  const onlyDevices = code === 2 && problems.length > 0 && problems.every((l) => /: Cannot mknod: Operation not permitted$/.test(l));
  if (code !== 0 && !onlyDevices) {
    throw new UserError(`cannot import ${what}: tar failed: ${problems.pop() ?? `exit status ${code}`}`);
  }
  return { diffId: `sha256:${hash.digest('hex')}`, size, whiteouts };
}

function describe(err: unknown, what: string): Error {
  if (err instanceof UserError) return err;
  if (err instanceof TarFormatError || err instanceof UnsafeMemberError) return new UserError(`cannot import ${what}: ${err.message}`);
  const msg = err instanceof Error ? err.message : String(err);
  return new UserError(`cannot import ${what}: ${msg}`);
}
