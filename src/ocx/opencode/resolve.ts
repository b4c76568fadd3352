// "latest" -> a version number, through a 24-hour cache, with a local fallback
// when offline or rate limited.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as v from 'valibot';
import { oneLine, UserError } from '../../common/errors.ts';
import { writeJsonAtomic } from '../../common/fs-atomic.ts';
import { object } from '../../common/schema.ts';
import { cacheDir } from '../paths.ts';
import type { Source } from './sources.ts';
import { normalizeVersion } from './version.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
const CacheFile = object({ version: v.string(), checked_at: v.string(), source: v.optional(v.string()) });

const cachePath = () => join(cacheDir(), 'version-cache.json');

export function readVersionCache(now = Date.now()): string | undefined {
  try {
    const c = v.parse(CacheFile, JSON.parse(readFileSync(cachePath(), 'utf8')));
    const age = now - Date.parse(c.checked_at);
    return age >= 0 && age < DAY_MS ? c.version : undefined;
  } catch {
    return undefined;
  }
}

export function writeVersionCache(version: string, source: string, now = Date.now()): void {
  mkdirSync(cacheDir(), { recursive: true });
  writeJsonAtomic(cachePath(), { version, checked_at: new Date(now).toISOString(), source });
}

export interface Resolved {
  version: string;
  how: 'pinned' | 'cache' | 'online' | 'local-fallback';
}

/**
 * The concrete version for a configured one. `localVersions` is only called
 * when the network fails, so the happy path makes no engine round trip.
 */
export async function resolveVersion(
  configured: string,
  sources: Source[],
  localVersions: () => Promise<string[]>,
  opts: { refresh?: boolean } = {},
): Promise<Resolved> {
  if (configured !== 'latest') return { version: normalizeVersion(configured), how: 'pinned' };
  if (!opts.refresh) {
    const cached = process.env.OCX_OFFLINE ? undefined : readVersionCache();
    if (cached) return { version: cached, how: 'cache' };
  }
  const errors: string[] = [];
  if (!process.env.OCX_OFFLINE) {
    for (const src of sources) {
      if (!src.latest) continue;
      try {
        const version = normalizeVersion(await src.latest());
        writeVersionCache(version, src.name);
        return { version, how: 'online' };
      } catch (err) {
        errors.push(`${src.name}: ${oneLine(err)}`);
      }
    }
  } else errors.push('OCX_OFFLINE is set');
  const { newest } = await import('./version.ts');
  const local = newest(await localVersions());
  if (local) {
    process.stderr.write(`warning: cannot look up the latest OpenCode (${errors.join('; ')}); using ${local}, the newest built here\n`);
    return { version: local, how: 'local-fallback' };
  }
  throw new UserError(`cannot resolve opencode_version "latest" and no OpenCode image is built here: ${errors.join('; ')}; pin a version with OCX_OPENCODE_VERSION=X.Y.Z or retry online`);
}
