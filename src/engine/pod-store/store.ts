// Pod records: `<root>/pods/<id>/pod.json`, names as symlinks in
// `<root>/pods/.names/<name>` (made atomically, as container names are).
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { errnoCode, UserError } from '../../common/errors.ts';
import { readLinkOr } from '../../common/dir.ts';
import { writeJsonAtomic } from '../../common/fs-atomic.ts';
import type { StorePaths } from '../paths.ts';
import { readPodFile, type PodRecord } from './record.ts';

const ID = /^[0-9a-f]{64}$/;
/** Docker's container-name rule, and a DNS label's length, since the name becomes the pod's hostname. */
export const POD_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/;

export function podsDir(paths: StorePaths): string {
  return join(paths.root, 'pods');
}

export function podDir(paths: StorePaths, id: string): string {
  return join(podsDir(paths), id);
}

function nameLink(paths: StorePaths, name: string): string {
  return join(podsDir(paths), '.names', name);
}

/** Writes a new pod: its name claimed first (a taken name fails before anything exists), then its record. */
export function addPod(paths: StorePaths, rec: PodRecord): void {
  if (!POD_NAME.test(rec.name)) throw new UserError(`invalid pod name "${rec.name}": use letters, digits, "_", "." and "-" (at most 63), starting with a letter or digit`);
  mkdirSync(join(podsDir(paths), '.names'), { recursive: true });
  const link = nameLink(paths, rec.name);
  try {
    symlinkSync(rec.id, link);
  } catch (err) {
    if (errnoCode(err) !== 'EEXIST') throw err;
    const owner = readLinkOr(link);
    if (owner && existsSync(podDir(paths, owner))) throw new UserError(`pod name "${rec.name}" is already in use by pod ${owner.slice(0, 12)}`);
    // A claim whose pod is gone (rocker killed between the two steps) is taken over.
    rmSync(link, { force: true });
    symlinkSync(rec.id, link);
  }
  try {
    mkdirSync(podDir(paths, rec.id), { recursive: true });
    writeJsonAtomic(join(podDir(paths, rec.id), 'pod.json'), rec);
  } catch (err) {
    removePodRecord(paths, rec);
    throw err;
  }
}

export function removePodRecord(paths: StorePaths, rec: Pick<PodRecord, 'id' | 'name'>): void {
  rmSync(podDir(paths, rec.id), { recursive: true, force: true });
  if (readLinkOr(nameLink(paths, rec.name)) === rec.id) rmSync(nameLink(paths, rec.name), { force: true });
}

export function readPod(paths: StorePaths, id: string): PodRecord {
  return readPodFile(join(podDir(paths, id), 'pod.json'));
}

/** Every pod whose record reads, oldest first. */
export function listPods(paths: StorePaths): PodRecord[] {
  let ids: string[];
  try {
    ids = readdirSync(podsDir(paths)).filter((e) => ID.test(e));
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return [];
    throw err;
  }
  return ids.flatMap((id) => {
    try {
      return [readPod(paths, id)];
    } catch {
      return [];
    }
  }).sort((a, b) => a.created.localeCompare(b.created));
}

/** A pod by name, full id or unique id prefix. */
export function findPod(paths: StorePaths, text: string): PodRecord | undefined {
  const byName = POD_NAME.test(text) ? readLinkOr(nameLink(paths, text)) : undefined;
  if (byName && ID.test(byName) && existsSync(join(podDir(paths, byName), 'pod.json'))) return readPod(paths, byName);
  if (!/^[0-9a-f]+$/.test(text)) return undefined;
  const matches = listPods(paths).filter((p) => p.id.startsWith(text));
  if (matches.length > 1) throw new UserError(`pod id prefix "${text}" is ambiguous: it matches ${matches.length} pods`);
  return matches[0];
}

export function resolvePod(paths: StorePaths, text: string): PodRecord {
  const pod = findPod(paths, text);
  if (!pod) throw new UserError(`no such pod: ${text}`);
  return pod;
}
