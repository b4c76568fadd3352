import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../common/errors.ts';
import { syncFile } from '../../common/fs-atomic.ts';
import type { ImageRecord } from '../image-store/record.ts';
import type { ImageStore } from '../image-store/store.ts';
import type { LayerStore } from '../layer-store/store.ts';
import type { StorePaths } from '../paths.ts';
import { generateId, generateName } from '../container-store/names.ts';
import type { ContainerRecord, RunOptions } from '../container-store/record.ts';
import { containerFiles, releaseName, reserveName, writeRecord, type ContainerFiles } from '../container-store/store.ts';
import { findRuntime } from './oci-runtime.ts';
import { containerArgs, processSettings } from './process-config.ts';
import { checkExecutable, type Root } from './rootfs-lookup.ts';
import { hostsText, addHostEntries } from '../network/hosts.ts';
import { isBridgeNetwork } from '../network/paths.ts';
import { buildSpec, specJson, type Joined } from './spec.ts';

export interface CreateRequest {
  image: string;
  command: string[];
  name?: string;
  options: RunOptions;
  /** Runtime name or path as given (`--runtime`). */
  runtime: string;
  consoleSize?: { height: number; width: number };
  /**
   * Content that is not an image record (a build step's state); `image` then
   * only names it. The caller has pinned its layers and keeps the pins.
   */
  from?: Pick<ImageRecord, 'name' | 'tag' | 'digest' | 'id' | 'layers' | 'config'>;
}

export interface Created {
  rec: ContainerRecord;
  files: ContainerFiles;
  runtime: string;
  /** The record is written but not yet flushed to the disk (flushRecord). */
  unsynced?: boolean;
}

/**
 * Flushes a new container's record. A start calls it once the runtime is
 * spawned: the ~1 ms fsync then overlaps the runtime's own start instead of
 * delaying it (a crash before the flush loses a container that was just starting).
 * It never throws: the runtime is already running by then, and a record that
 * could not be flushed is still whole in the page cache for every reader.
 */
export function flushRecord(c: Created): void {
  if (!c.unsynced) return;
  c.unsynced = false;
  try {
    syncFile(c.files.record);
  } catch {
    // see above
  }
}

/**
 * Reads the image and pins its layers for this process, without the store
 * lock (a lock costs a process-wide library and a few ms on every start):
 * pin, then read the image again. A collection removes only layers that no
 * record and no pin names, and `rmi` or a re-tag changes the record before
 * it collects; so if the record still names the same image after our pins
 * exist, no collection can take its layers until our container record does.
 */
function pinnedImage(images: ImageStore, text: string): { image: ImageRecord; layers: LayerStore } {
  const { layers } = images;
  for (let attempt = 0; ; attempt++) {
    const image = images.resolve(text);
    try {
      for (const l of image.layers) layers.pin(l);
    } catch (err) {
      // A pin half-made (a full disk) must not outlive the failure.
      for (const l of image.layers) layers.unpin(l);
      throw err;
    }
    const again = images.resolve(text);
    const missing = image.layers.find((l) => !layers.has(l));
    if (again.digest === image.digest && !missing) return { image, layers };
    for (const l of image.layers) layers.unpin(l);
    if (attempt < 2) continue;
    // The same image three times over, still without the layer: not a race but damage.
    if (again.digest === image.digest) throw new UserError(`image ${text} is damaged: layer ${missing} is missing or unreadable in ${layers.dir(missing!)} (see 'rocker system check')`);
    throw new UserError(`image ${text} changed while the container was being created: try again`);
  }
}

/**
 * The image's layers merged as the overlay will merge them, for the checks
 * made before the runtime starts (user names, the command). The opaque
 * test needs an extended attribute, read through FFI only for images of
 * more than one layer.
 */
async function imageRoot(lowers: string[]): Promise<Root> {
  if (lowers.length < 2) return { layers: lowers, isOpaque: () => false };
  const { getXattr } = await import('../sys/libc.ts');
  return { layers: lowers, isOpaque: (dir) => getXattr(dir, 'trusted.overlay.opaque') === 'y' };
}

/** The options with the health check resolved against the image's HEALTHCHECK; health code loads only when one is in play. */
async function withHealth(options: RunOptions, config: ImageRecord['config']): Promise<RunOptions> {
  if (!options.health && !(config as { Healthcheck?: unknown }).Healthcheck) return options;
  const { resolveHealth } = await import('./health.ts');
  const { health: _flags, ...rest } = options;
  const health = resolveHealth(options.health, config);
  return health ? { ...rest, health } : rest;
}

/** Claims the requested name, or a generated one (retrying on the rare collision). */
function claimName(paths: StorePaths, requested: string | undefined, id: string): string {
  if (requested !== undefined) {
    reserveName(paths, requested, id);
    return requested;
  }
  for (let attempt = 0; ; attempt++) {
    const name = generateName(attempt);
    try {
      reserveName(paths, name, id);
      return name;
    } catch (err) {
      if (attempt >= 20 || !(err instanceof UserError)) throw err;
    }
  }
}

/**
 * Everything before the process starts: record and bundle. The overlay is
 * not mounted here: the bundle asks the runtime to mount it as the
 * container's "/" inside the container's own mount namespace, so it goes
 * away with the container's last process and a killed rocker can never
 * leave it behind on the host (and no umount costs time after every run).
 * Any failure undoes everything, so bad input leaves nothing behind.
 */
export async function createContainer(images: ImageStore, req: CreateRequest): Promise<Created> {
  if (!req.options.volumes.some((v) => v.volume !== undefined)) return create(images, req, undefined);
  // Named volumes: held from their creation to the record that names them, so `volume rm` cannot come between.
  const [{ withVolumeLock }, volumes] = await Promise.all([import('../volume-store/store.ts'), import('./volumes.ts')]);
  return withVolumeLock(images.paths, () => create(images, req, volumes));
}

async function create(images: ImageStore, req: CreateRequest, volumes: typeof import('./volumes.ts') | undefined): Promise<Created> {
  const { paths } = images;
  const made: string[] = [];
  const runtime = findRuntime(req.runtime);
  const { image, layers } = req.from ? { image: req.from, layers: images.layers } : pinnedImage(images, req.image);
  const id = generateId();
  const files = containerFiles(paths, id);
  let name: string | undefined;
  let network: typeof import('../network/attach.ts') | undefined;
  try {
    // The directory first: a name claim whose directory is missing counts as stale and is taken
    // over (reserveName), so claiming before the directory exists let two runs win one name.
    for (const d of [files.dir, files.work, files.rootfs]) mkdirSync(d, { recursive: true, mode: 0o700 });
    name = claimName(paths, req.name, id);
    // The upper directory's mode becomes the mode of the container's "/"; rootfs stays an empty directory under the overlay.
    mkdirSync(files.upper, { mode: 0o755 });
    const lowers = [...image.layers].reverse().map((l) => layers.diffPath(l));
    const root = await imageRoot(lowers);
    // A pod member's hostname is the pod's; it joins the pod's namespaces below, once the checks have passed.
    const podJoin = req.options.pod ? await import('../pod-store/join.ts') : undefined;
    const pod = podJoin?.podFor(paths, req.options.pod!);
    const hostname = pod?.hostname ?? req.options.hostname ?? id.slice(0, 12);
    const args = containerArgs(image.config, req.command, req.options.entrypoint);
    const mounted = volumes ? volumes.mountVolumes(paths, req.options, root, made) : req.options;
    const options = await withHealth(mounted, image.config);
    const proc = processSettings(root, image.config, options, hostname);
    checkExecutable(root, args[0]!, proc.env, proc.cwd);
    const rec: ContainerRecord = {
      id,
      name,
      created: new Date().toISOString(),
      image: { name: image.name, tag: image.tag, digest: image.digest, id: image.id },
      layers: image.layers,
      command: args,
      process: { env: proc.env, cwd: proc.cwd, uid: proc.user.uid, gid: proc.user.gid, additionalGids: proc.user.additionalGids },
      hostname,
      runtime,
      options: pod ? { ...options, pod: pod.id } : options,
    };
    writeFileSync(files.hostname, `${hostname}\n`);
    let joined: Joined = {};
    if (pod) {
      // Made now if the pod is not running (as Podman starts a pod's infra container for its first member).
      const held = await podJoin!.holdPod(paths, pod);
      joined = held.namespaces;
      writeFileSync(files.hosts, held.hosts);
      writeFileSync(files.resolvConf, held.resolvConf);
    } else if (isBridgeNetwork(req.options.network)) {
      // Loaded only here: a container without a bridge network starts without the network code.
      network = await import('../network/attach.ts');
      // The record keeps the image config's ExposedPorts (EXPOSE), so no blob is read for -P.
      const exposed = req.options.publishAll ? Object.keys(image.config.ExposedPorts ?? {}) : [];
      joined = { network: (await network.attachContainer(paths, { id, name, hostname, options: req.options, exposed })).netns };
    } else {
      // On the host's network the host is 127.0.0.1 (host-gateway); --network none refused host-gateway already.
      writeFileSync(files.hosts, hostsText({ ip: '127.0.1.1', names: [hostname] }, addHostEntries(req.options.addHosts ?? [], '127.0.0.1')));
      if (req.options.network === 'pasta') writeFileSync(files.resolvConf, (await import('../rootless/pasta.ts')).pastaResolvConf(req.options));
    }
    writeFileSync(files.log, '');
    if (options.autoRemove && volumes) writeFileSync(`${files.dir}/anonymous-volumes`, volumes.anonymousList(options));
    // Not atomic: only the runtime reads the bundle, after this returns.
    const hooks = options.network === 'pasta' && !joined.network ? (await import('../rootless/pasta.ts')).pastaHooks(files.dir, options) : undefined;
    writeFileSync(files.config, specJson(buildSpec(rec, files, lowers, req.consoleSize, joined, hooks)));
    // Last: from here on the record keeps the layers from collection, so the pins can go.
    writeRecord(paths, rec, false);
    return { rec, files, runtime, unsynced: true };
  } catch (err) {
    if (network) await network.releaseContainer(paths, id).catch(() => undefined);
    rmSync(files.dir, { recursive: true, force: true });
    if (name !== undefined) releaseName(paths, name, id);
    volumes?.discardVolumes(paths, made);
    throw err;
  } finally {
    if (!req.from) for (const l of image.layers) layers.unpin(l);
  }
}
