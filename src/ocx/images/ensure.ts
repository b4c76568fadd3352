// Builds what is missing or stale, skips what is current.
import { copyFileSync, linkSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../common/errors.ts';
import type { ContainerEngine, ImageInfo } from '../engines/types.ts';
import { ensureBinary } from '../opencode/binary.ts';
import type { Source } from '../opencode/sources.ts';
import { opencodeArch } from '../opencode/version.ts';
import { cacheDir } from '../paths.ts';
import type { BaseSpec } from './base.ts';
import { DEFAULT_BASE_DOCKERFILE, FINAL_DOCKERFILE } from './dockerfiles.ts';
import { withBuildLock } from './lock.ts';

export interface User {
  username: string;
  uid: number;
  gid: number;
}

export const userKey = (u: User) => `${u.username}:${u.uid}:${u.gid}`;

/** `localhost/ocx` on the default base, `localhost/ocx-<name>` on a custom one. */
export const finalRepo = (base: BaseSpec) => (base.name ? `localhost/ocx-${base.name}` : 'localhost/ocx');

/**
 * A final image is current when it was built on this very base image (by id:
 * a rebuilt base keeps its tag) for this user.
 */
export function finalIsCurrent(img: ImageInfo | undefined, baseImg: ImageInfo | undefined, user: User): boolean {
  return !!img && !!baseImg && img.labels['ocx.base.id'] === baseImg.id && img.labels['ocx.user'] === userKey(user);
}

function scratchDir(): string {
  mkdirSync(cacheDir(), { recursive: true });
  return mkdtempSync(join(cacheDir(), 'build-'));
}

export interface BuildOpts {
  force?: boolean;
  noCache?: boolean;
}

/** Builds the base unless an image with its content hash exists. Returns whether it built, and its id. */
export async function ensureBase(engine: ContainerEngine, base: BaseSpec, opts: BuildOpts = {}, known?: ImageInfo): Promise<{ built: boolean; id: string }> {
  const have = opts.force ? undefined : known ?? (await engine.inspectImage(base.ref));
  if (have) return { built: false, id: await named(engine, base, have) };
  return withBuildLock(base.ref, async () => {
    // Another ocx may have built it while this one waited.
    const now = opts.force ? undefined : await engine.inspectImage(base.ref);
    if (now) return { built: false, id: await named(engine, base, now) };
    await withCustomBaseHint(base, () => buildBase(engine, base, opts));
    const img = await engine.inspectImage(base.ref);
    if (!img) throw new UserError(`the build of ${base.ref} succeeded but the engine has no such image`);
    return { built: true, id: img.id };
  });
}

/** A shared custom base also gets this project's readable name (`ocx-base-<name>:<hash>`). Returns its id. */
async function named(engine: ContainerEngine, base: BaseSpec, img: ImageInfo): Promise<string> {
  if (base.namedRef && !img.tags.includes(base.namedRef)) await engine.tag(base.ref, base.namedRef);
  return img.id;
}

/** The readable name first: it names the image in build logs and errors. */
const baseTags = (base: BaseSpec) => (base.namedRef ? [base.namedRef, base.ref] : [base.ref]);

async function buildBase(engine: ContainerEngine, base: BaseSpec, opts: BuildOpts): Promise<void> {
  const from = base.source === 'default' ? 'default Dockerfile' : `${base.namedRef}, from ${base.source}`;
  process.stderr.write(`Building base image ${base.ref} (${from})\n`);
  const labels = { 'ocx.kind': 'base', 'ocx.hash': base.hash, 'ocx.source': base.source };
  if (base.dockerfile && base.contextDir) {
    await engine.build({ contextDir: base.contextDir, dockerfile: base.dockerfile, tags: baseTags(base), buildArgs: base.buildArgs, labels, noCache: !!opts.noCache });
    return;
  }
  const dir = scratchDir();
  try {
    writeFileSync(join(dir, 'Dockerfile'), DEFAULT_BASE_DOCKERFILE);
    await engine.build({ contextDir: dir, dockerfile: join(dir, 'Dockerfile'), tags: baseTags(base), buildArgs: {}, labels, noCache: !!opts.noCache });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Builds the final image `<repo>:<version>` (also tagged :latest) unless a
 * current one exists. The OpenCode binary comes from the host cache.
 */
export async function ensureFinal(
  engine: ContainerEngine, base: BaseSpec, version: string, user: User, sources: Source[], opts: BuildOpts = {},
): Promise<{ ref: string; built: boolean }> {
  const repo = finalRepo(base);
  const ref = `${repo}:${version}`;
  // One engine call for both: this is the path every `ocx opencode` takes.
  const [img, baseImg] = await engine.inspectImages([ref, base.ref]);
  if (!opts.force && finalIsCurrent(img, baseImg, user)) return { ref, built: false };
  return withBuildLock(ref, async () => {
    if (!opts.force) {
      const [again, baseAgain] = await engine.inspectImages([ref, base.ref]);
      if (finalIsCurrent(again, baseAgain, user)) return { ref, built: false };
    }
    const baseId = (await ensureBase(engine, base, { noCache: opts.noCache })).id;
    await withCustomBaseHint(base, () => buildFinal(engine, base, baseId, ref, version, user, sources, opts));
    return { ref, built: true };
  });
}

/** What ocx's final layer runs on a custom base; docs/ocx.md ("Custom bases") says the same. */
const CUSTOM_BASE_NEEDS = 'a custom base needs /bin/sh with mkdir, chown, chmod, cut, grep and id, and glibc for OpenCode (see "Custom bases" in docs/ocx.md)';

/** A failed build on the user's own base also says what ocx needs from one. */
async function withCustomBaseHint(base: BaseSpec, build: () => Promise<void>): Promise<void> {
  try {
    await build();
  } catch (err) {
    if (!base.dockerfile || !(err instanceof UserError)) throw err;
    throw new UserError(`${err.message}; ${CUSTOM_BASE_NEEDS}`);
  }
}

async function buildFinal(
  engine: ContainerEngine, base: BaseSpec, baseId: string, ref: string, version: string, user: User, sources: Source[], opts: BuildOpts,
): Promise<void> {
  const repo = finalRepo(base);
  const arch = opencodeArch();
  const bin = await ensureBinary(version, arch, sources);
  process.stderr.write(`Building final image ${ref} (OpenCode ${version} on ${base.ref})\n`);
  const dir = scratchDir();
  try {
    writeFileSync(join(dir, 'Dockerfile'), FINAL_DOCKERFILE);
    try {
      linkSync(bin.path, join(dir, 'opencode'));
    } catch {
      copyFileSync(bin.path, join(dir, 'opencode'));
    }
    await engine.build({
      contextDir: dir,
      dockerfile: join(dir, 'Dockerfile'),
      tags: [ref, `${repo}:latest`],
      buildArgs: { BASE_IMAGE: base.ref, OPENCODE_VERSION: version, USERNAME: user.username, UID: String(user.uid), GID: String(user.gid) },
      labels: {
        'ocx.kind': 'final', 'ocx.repo': repo, 'ocx.base': base.ref, 'ocx.base.id': baseId, 'ocx.user': userKey(user),
        'ocx.opencode.version': version, 'ocx.opencode.sha256': bin.meta.sha256,
      },
      noCache: !!opts.noCache,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
