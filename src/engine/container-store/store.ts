import { mkdirSync, readdirSync, rmSync, symlinkSync, unlinkSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { UserError, errnoCode } from '../../common/errors.ts';
import { readLinkOr } from '../../common/dir.ts';
import { writeJsonAtomic } from '../../common/fs-atomic.ts';
import { StatCache } from '../../common/stat-cache.ts';
import { readSettledExit, type ExitFile } from './exit-file.ts';
import { withLock } from '../../common/lock.ts';
import type { StorePaths } from '../paths.ts';
import { NAME_PATTERN } from './names.ts';
import { readNameFile, readRecordFile, readSummaryFile, SUMMARY_CACHE_VERSION, type ContainerRecord, type ContainerSummary } from './record.ts';

const ID = /^[0-9a-f]{64}$/;
const RECORD = 'container.json';

/**
 * `<root>/containers/<id>`: the container's directory, and its bundle. By
 * concatenation, not join: `paths.containers` is already normalized and an
 * id is hex, and `ps` computes this for every container in the store.
 */
export function containerDir(paths: StorePaths, id: string): string {
  return `${paths.containers}/${id}`;
}

/** Where one container's files live: `<root>/containers/<id>/` (see docs/containers.md). */
export function containerFiles(paths: StorePaths, id: string) {
  const dir = containerDir(paths, id);
  return {
    dir,
    record: `${dir}/${RECORD}`,
    /** stdout and stderr, one timed record per line (log-format.ts). */
    log: `${dir}/output.log`,
    /** The raw log of containers made before output.log (both streams, no times); read, never written. */
    rawLog: `${dir}/container.log`,
    /** The OCI bundle is the container directory itself: config.json + rootfs. */
    bundle: dir,
    config: `${dir}/config.json`,
    rootfs: `${dir}/rootfs`,
    upper: `${dir}/upper`,
    work: `${dir}/work`,
    hosts: `${dir}/hosts`,
    hostname: `${dir}/hostname`,
    /** Written for containers on a bridge network. */
    resolvConf: `${dir}/resolv.conf`,
    /** Written by the runtime once the container's init process runs. */
    pid: `${dir}/pid`,
    /** Written by the monitor when the container's init process has ended. */
    exit: `${dir}/exit`,
    /** "PID STARTTIME" of the process that waits for the container (rocker or the sh monitor). */
    monitor: `${dir}/monitor`,
    runtimeLog: `${dir}/runtime.log`,
    /** Present while `restart` stops a --rm container: its end must not remove it, it is about to start again. */
    keep: `${dir}/keep`,
    /** An explicit stop: no restart policy starts the container again until `start`. */
    stopped: `${dir}/stopped`,
    /** While the monitor waits to run the container again under its restart policy. */
    restarting: `${dir}/restarting`,
    /** How many times the restart policy has started the container again. */
    restarts: `${dir}/restarts`,
  };
}
export type ContainerFiles = ReturnType<typeof containerFiles>;

/** One lock per container, for the steps that must not interleave (start, rename). */
export function containerLock(paths: StorePaths, id: string): string {
  return join(paths.locks, `container-${id}`);
}

/** Name reservations: `<root>/containers/.names/<name>` is a symlink to the id, made atomically. */
function nameLink(paths: StorePaths, name: string): string {
  return join(paths.containers, '.names', name);
}

/**
 * Claims `name` for `id`. symlink(2) fails when the name exists, so two
 * concurrent runs with one --name cannot both win. A claim whose container
 * directory is gone (rocker killed between the two steps) is taken over.
 */
export function reserveName(paths: StorePaths, name: string, id: string): void {
  if (!NAME_PATTERN.test(name)) {
    throw new UserError(`invalid container name "${name}": use letters, digits, "_", "." and "-", starting with a letter or digit`);
  }
  const link = nameLink(paths, name);
  mkdirSync(join(paths.containers, '.names'), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      symlinkSync(id, link);
      return;
    } catch (err) {
      if (errnoCode(err) !== 'EEXIST') throw err;
      const owner = readLinkOr(link);
      if (owner && existsSync(join(paths.containers, owner))) {
        throw new UserError(`container name "${name}" is already in use by container ${owner.slice(0, 12)}`);
      }
      rmSync(link, { force: true });
    }
  }
  throw new UserError(`container name "${name}" is already in use`);
}

export function releaseName(paths: StorePaths, name: string, id: string): void {
  const link = nameLink(paths, name);
  if (readLinkOr(link) === id) {
    try {
      unlinkSync(link);
    } catch {
      // already gone
    }
  }
}

/** `sync: false`: the caller flushes it later (syncFile), as a start does once the runtime is on its way. */
export function writeRecord(paths: StorePaths, rec: ContainerRecord, sync = true): void {
  writeJsonAtomic(containerFiles(paths, rec.id).record, rec, sync);
}

export function readRecord(paths: StorePaths, id: string): ContainerRecord {
  return readRecordFile(containerFiles(paths, id).record);
}

/** The container's name as its record holds it now (a rename may have changed it). */
export function readName(paths: StorePaths, id: string): string {
  return readNameFile(containerFiles(paths, id).record);
}

function containerIds(paths: StorePaths): string[] {
  try {
    return idsIn(paths.containers);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return [];
    throw err;
  }
}

/** What a listing keeps of a container's directory: its record's summary, and its exit once settled. */
interface ContainerEntry {
  summary: ContainerSummary;
  exit?: ExitFile;
}

function readEntry(dir: string): ContainerEntry | undefined {
  try {
    const summary = readSummaryFile(`${dir}/${RECORD}`);
    const exit = readSettledExit(dir);
    return exit ? { summary, exit } : { summary };
  } catch {
    return undefined; // no record yet, or a damaged one: told apart below
  }
}
const isEntry = (e: ContainerEntry | undefined) => e !== undefined;

/** A scan of the store: see scanContainers. */
export interface ContainerScan {
  containers: ContainerSummary[];
  incomplete: string[];
  damaged: string[];
  /** The settled exits the scan knows, by container id: a listing's status needs no other read for those. */
  exits: Map<string, ExitFile>;
}

/**
 * One pass over the store: every container whose record reads and
 * validates, oldest first; the ids of directories without a record
 * (`incomplete`: a rocker killed before it wrote one) and of those whose
 * record is there but unreadable or invalid (`damaged`). `ps -a` shows both
 * so they can be removed with `rm -f`. What it makes of each directory is
 * kept in cache/containers.json under the directory's stat
 * (common/stat-cache.ts), and so is the list of ids, oldest first, under the
 * containers directory's own stat: while no container has been made or
 * removed, a listing reads no directory and sorts nothing. `fresh`: trust
 * nothing kept there (system check).
 */
export function scanContainers(paths: StorePaths, opts: { fresh?: boolean } = {}): ContainerScan {
  const containers: ContainerSummary[] = [];
  const incomplete: string[] = [];
  const damaged: string[] = [];
  const exits = new Map<string, ExitFile>();
  const cache = new StatCache(join(paths.cache, 'containers.json'), SUMMARY_CACHE_VERSION, paths.containers, opts);
  let listed = false;
  const readIds = (dir: string) => {
    listed = true;
    return idsIn(dir);
  };
  const kept = cache.dir('', readIds, keepAll);
  const ids = Array.isArray(kept) ? kept : [];
  for (const id of ids) {
    const entry = cache.dir(id, readEntry, isEntry);
    if (entry) {
      containers.push(entry.summary);
      if (entry.exit) exits.set(id, entry.exit);
    } else (existsSync(`${paths.containers}/${id}/${RECORD}`) ? damaged : incomplete).push(id);
  }
  // Kept ids met directories that do not read: read the store's own directory after all, so that
  // one denied without a change of its times (a security module) fails with its error, as an
  // uncached listing does, rather than listing every container as incomplete. A chmod moves ctime.
  if (!listed && (incomplete.length || damaged.length)) containerIds(paths);
  if (!isOldestFirst(containers)) {
    // ISO times of one format sort as strings; localeCompare's collation cost more than the rest of the scan.
    containers.sort((a, b) => (a.created < b.created ? -1 : a.created > b.created ? 1 : 0));
    // Kept in this order, the next listing finds them sorted.
    cache.amend('', [...containers.map((c) => c.id), ...incomplete, ...damaged]);
  }
  cache.save();
  return { containers, incomplete, damaged, exits };
}

function idsIn(dir: string): string[] {
  return readdirSync(dir).filter((e) => ID.test(e));
}
const keepAll = () => true;

function isOldestFirst(cs: ContainerSummary[]): boolean {
  for (let i = 1; i < cs.length; i++) if (cs[i - 1]!.created > cs[i]!.created) return false;
  return true;
}

/** The names claimed for `id` (a damaged record cannot say its own; the claims can). */
export function namesOf(paths: StorePaths, id: string): string[] {
  let names: string[] = [];
  try {
    names = readdirSync(join(paths.containers, '.names'));
  } catch {
    return [];
  }
  return names.filter((n) => readLinkOr(nameLink(paths, n)) === id);
}

/** The container directory a name is claimed for, whatever state its record is in. */
export function idOfName(paths: StorePaths, name: string): string | undefined {
  const id = NAME_PATTERN.test(name) ? readLinkOr(nameLink(paths, name)) : undefined;
  return id && ID.test(id) && existsSync(containerFiles(paths, id).dir) ? id : undefined;
}

/**
 * Every container whose record reads and validates, oldest first. A damaged
 * record is skipped rather than failing the whole listing: `ps`, `rmi` and
 * garbage collection must keep working next to one broken directory.
 */
export function listContainers(paths: StorePaths): ContainerSummary[] {
  return scanContainers(paths).containers;
}

/**
 * A container by name, full id or unique id prefix; undefined when none
 * matches. An ambiguous prefix is a UserError, since guessing would act on
 * the wrong container.
 */
export function findContainer(paths: StorePaths, text: string): ContainerRecord | undefined {
  return findWith(paths, text, readRecord);
}

/**
 * The same, reading only the summary: what stop, kill and rm need. They
 * neither build nor check the whole record's schema (about a hundred
 * objects) for fields they never read.
 */
export function findSummary(paths: StorePaths, text: string): ContainerSummary | undefined {
  return findWith(paths, text, (p, id) => readSummaryFile(containerFiles(p, id).record));
}

function findWith<T>(paths: StorePaths, text: string, read: (paths: StorePaths, id: string) => T): T | undefined {
  if (text === '') return undefined;
  const byName = NAME_PATTERN.test(text) ? readLinkOr(nameLink(paths, text)) : undefined;
  if (byName && ID.test(byName)) {
    try {
      return read(paths, byName);
    } catch (err) {
      // A record that is there but unreadable is damaged; a missing one is a stale name: fall through to ids.
      if (existsSync(containerFiles(paths, byName).record)) {
        throw new UserError(`container ${text} has a damaged record (${errnoCode(err) ?? 'invalid container.json'}): remove it with 'rocker rm -f ${text}'`);
      }
    }
  }
  if (!/^[0-9a-f]+$/.test(text)) return undefined;
  const matches = containerIds(paths).filter((id) => id.startsWith(text));
  if (matches.length > 1) {
    throw new UserError(`container id prefix "${text}" is ambiguous: it matches ${matches.length} containers`);
  }
  if (matches.length === 0) return undefined;
  try {
    return read(paths, matches[0]!);
  } catch (err) {
    throw new UserError(`container ${matches[0]!.slice(0, 12)} has a damaged record (${errnoCode(err) ?? 'invalid container.json'}): remove it with 'rocker rm -f ${matches[0]!.slice(0, 12)}'`);
  }
}

/** Like findContainer, but a missing container is a UserError. */
export function resolveContainer(paths: StorePaths, text: string): ContainerRecord {
  const rec = findContainer(paths, text);
  if (!rec) throw new UserError(`no such container: ${text}`);
  return rec;
}

export function resolveSummary(paths: StorePaths, text: string): ContainerSummary {
  const rec = findSummary(paths, text);
  if (!rec) throw new UserError(`no such container: ${text}`);
  return rec;
}

/** Ids of containers (valid or not) matching a prefix: lets `rm -f` clear a damaged directory. */
export function matchingIds(paths: StorePaths, prefix: string): string[] {
  return /^[0-9a-f]+$/.test(prefix) ? containerIds(paths).filter((id) => id.startsWith(prefix)) : [];
}

/**
 * Gives a container another name: the new claim is made first (so a taken
 * name fails before anything changes), then the record, then the old claim
 * goes. Under the container's lock, so two renames cannot interleave.
 */
export async function renameContainer(paths: StorePaths, id: string, newName: string): Promise<void> {
  await withLock(containerLock(paths, id), () => {
    const rec = readRecord(paths, id);
    if (newName === rec.name) throw new UserError(`container ${rec.name} already has the name "${newName}"`);
    reserveName(paths, newName, id);
    try {
      writeRecord(paths, { ...rec, name: newName });
    } catch (err) {
      releaseName(paths, newName, id);
      throw err;
    }
    releaseName(paths, rec.name, id);
  });
}
