import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as v from 'valibot';
import { errnoCode, UserError } from '../../common/errors.ts';
import { writeJsonAtomic } from '../../common/fs-atomic.ts';
import { withLock } from '../../common/lock.ts';
import { randomHex } from '../../common/random.ts';
import { check, object, record } from '../../common/schema.ts';
import { readRecord, scanContainers } from '../container-store/store.ts';
import { treeSize } from '../image-store/disk-usage.ts';
import type { StorePaths } from '../paths.ts';
import { VOLUME_NAME } from './name.ts';


const VolumeFileSchema = object({
  CreatedAt: v.string(),
  Labels: record(v.string(), v.string()),
});

/** A volume as `volume inspect` shows it: Docker's fields. */
export interface VolumeInfo {
  Name: string;
  Driver: 'local';
  Mountpoint: string;
  CreatedAt: string;
  Labels: Record<string, string>;
  Scope: 'local';
  Options: Record<string, string>;
}

export function checkVolumeName(name: string): string {
  if (!VOLUME_NAME.test(name)) {
    throw new UserError(`invalid volume name "${name}": use 2 to 128 letters, digits, "_", "." and "-", starting with a letter or digit`);
  }
  return name;
}

function volumesDir(paths: StorePaths): string {
  return join(paths.root, 'volumes');
}

/** `<root>/volumes/<name>/_data` holds the files (Docker's layout); volume.json beside it. */
export function volumeFiles(paths: StorePaths, name: string) {
  const dir = join(volumesDir(paths), checkVolumeName(name));
  return { dir, data: join(dir, '_data'), record: join(dir, 'volume.json') };
}

/** Held while volumes are created for a container or removed: a volume cannot go between the two. */
export function withVolumeLock<T>(paths: StorePaths, fn: () => T | Promise<T>): Promise<T> {
  return withLock(join(paths.locks, 'volumes'), fn);
}

/** The volume, or undefined. A directory without volume.json (a create cut short) still counts: its files may matter. */
export function findVolume(paths: StorePaths, name: string): VolumeInfo | undefined {
  const f = volumeFiles(paths, name);
  let created: string;
  let labels: Record<string, string> = {};
  try {
    created = statSync(f.data).birthtime.toISOString();
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const rec = check(VolumeFileSchema, JSON.parse(readFileSync(f.record, 'utf8')));
    created = rec.CreatedAt;
    labels = rec.Labels;
  } catch {
    // no record yet or a damaged one: the directory's own time
  }
  return { Name: name, Driver: 'local', Mountpoint: f.data, CreatedAt: created, Labels: labels, Scope: 'local', Options: {} };
}

export function resolveVolume(paths: StorePaths, name: string): VolumeInfo {
  const found = findVolume(paths, name);
  if (!found) throw new UserError(`no such volume: ${name}`);
  return found;
}

/**
 * Creates a volume; an existing one of that name is returned as it is
 * (Docker's `volume create` and `-v NAME:/path` both do so). `created`
 * says whether this call made it, so a failed container create can undo it.
 */
export function createVolume(paths: StorePaths, name: string, labels: Record<string, string> = {}): { volume: VolumeInfo; created: boolean } {
  const f = volumeFiles(paths, name);
  mkdirSync(volumesDir(paths), { recursive: true, mode: 0o700 });
  // mkdir is the claim: of two creators of one name, one makes it and the other finds it.
  try {
    mkdirSync(f.dir, { mode: 0o700 });
  } catch (err) {
    if (errnoCode(err) !== 'EEXIST') throw err;
    return { volume: resolveVolume(paths, name), created: false };
  }
  try {
    mkdirSync(f.data, { mode: 0o755 });
    writeJsonAtomic(f.record, { CreatedAt: new Date().toISOString(), Labels: labels });
  } catch (err) {
    rmSync(f.dir, { recursive: true, force: true });
    throw err;
  }
  return { volume: resolveVolume(paths, name), created: true };
}

export function listVolumes(paths: StorePaths): VolumeInfo[] {
  let names: string[];
  try {
    names = readdirSync(volumesDir(paths)).filter((n) => VOLUME_NAME.test(n));
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return [];
    throw err;
  }
  return names.sort().map((n) => findVolume(paths, n)).filter((info): info is VolumeInfo => info !== undefined);
}

/** Volume name -> ids of the containers (of any state) whose record mounts it. */
export function volumeUsers(paths: StorePaths): Map<string, string[]> {
  const users = new Map<string, string[]>();
  for (const { id } of scanContainers(paths).containers) {
    let volumes;
    try {
      volumes = readRecord(paths, id).options.volumes;
    } catch {
      continue; // removed meanwhile, or damaged: it mounts nothing we can name
    }
    for (const v of volumes) if (v.volume) users.set(v.volume, [...(users.get(v.volume) ?? []), id]);
  }
  return users;
}

/**
 * Removes the volumes' files. One in use by a container, running or not, is
 * refused (Docker's rule); `force` does not override that, only a missing
 * volume stops being an error. The directory is renamed away first, so a
 * half-finished removal never looks like a volume.
 */
export async function removeVolume(paths: StorePaths, name: string, force: boolean): Promise<void> {
  await withVolumeLock(paths, () => {
    if (!findVolume(paths, name)) {
      if (force) return;
      throw new UserError(`no such volume: ${name}`);
    }
    const users = volumeUsers(paths).get(name);
    if (users) throw new UserError(`volume ${name} is in use by container ${users.map((u) => u.slice(0, 12)).join(', ')}: remove the container first`);
    dropVolume(paths, name);
  });
}

function dropVolume(paths: StorePaths, name: string): number {
  const { dir } = volumeFiles(paths, name);
  const trash = join(volumesDir(paths), `.removing-${randomHex(6)}`);
  const size = treeSize(dir);
  renameSync(dir, trash);
  rmSync(trash, { recursive: true, force: true });
  return size;
}

/** Removes every volume no container uses; their names and the bytes freed. */
export async function pruneVolumes(paths: StorePaths): Promise<{ names: string[]; reclaimed: number }> {
  return withVolumeLock(paths, () => {
    const users = volumeUsers(paths);
    const names = listVolumes(paths).map((v) => v.Name).filter((n) => !users.has(n));
    return { names, reclaimed: names.reduce((n, name) => n + dropVolume(paths, name), 0) };
  });
}

/** Undoes createVolume for a container create that failed (only volumes it made itself, still empty of users). */
export function discardVolume(paths: StorePaths, name: string): void {
  if (existsSync(volumeFiles(paths, name).dir)) dropVolume(paths, name);
}
