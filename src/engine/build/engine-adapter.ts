// The builder's only door into the rest of the engine: every engine
// function it calls is wrapped here, so the engine can be reorganised by
// changing this file alone.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { oneLine, UserError } from '../../common/errors.ts';
import { pidAlive } from '../../common/process.ts';
import { randomHex } from '../../common/random.ts';
import { commitLayer } from '../container-store/commit.ts';
import { loggedText } from '../container-store/logs.ts';
import { itemsTar, type TarItem } from '../tar/writer.ts';
import type { RunOptions } from '../container-store/record.ts';
import { listContainers } from '../container-store/store.ts';
import type { BuildState } from '../build-cache/store.ts';
import { makeConfigBlob, ociArch, type HistoryEntry } from '../oci/config-blob.ts';
import { parseConfigBlob } from '../oci/config-parse.ts';
import type { ImageConfig, ImageRecord } from '../image-store/record.ts';
import type { StorePaths } from '../paths.ts';
import type { Stores } from '../stores.ts';
import { createContainer } from '../runtime/create.ts';
import { removeFiles, signalContainer } from '../runtime/lifecycle.ts';
import { isWhiteout, lstatOr } from '../container-store/tree-copy.ts';
import { resolveUser, splitPath, type ResolvedUser, type Root } from '../runtime/rootfs-lookup.ts';
import { runForeground } from '../runtime/start.ts';

export type { BuildState, HistoryEntry, ImageConfig, ImageRecord, ResolvedUser, Root, StorePaths, TarItem };
export { isWhiteout, lstatOr, resolveUser, splitPath };

export class EngineAdapter {
  /** Every layer this build pinned or made, unpinned when it ends (committed images and cache entries hold them then). */
  private readonly pinned = new Set<string>();
  readonly paths: StorePaths;
  constructor(
    private readonly stores: Stores,
    private readonly runtime: string,
  ) {
    this.paths = stores.paths;
  }

  /** The image id the state would have as an image: also the step's id in the output. */
  stateId(s: BuildState): string {
    return makeConfigBlob({ layers: s.layers, config: s.config, history: s.history }).digest;
  }

  /** A base image: the local one, or else pulled from its registry (as `docker build` does). */
  async baseState(text: string, progress: (line: string) => void): Promise<{ state: BuildState; image: ImageRecord }> {
    try {
      return this.imageState(text);
    } catch (err) {
      if (!(err instanceof UserError) || !err.message.startsWith('no such image')) throw err;
    }
    progress(`Pulling ${text}`);
    const { pullImage } = await import('../registry/pull.ts');
    let image: ImageRecord;
    try {
      ({ image } = await pullImage(this.stores.images, text, {}));
    } catch (err) {
      throw new UserError(`no such image ${text} here, and ${oneLine(err)}`);
    }
    return this.imageState(`${image.name}:${image.tag}`);
  }

  /** A local image as a build state, its layers pinned for this process. */
  imageState(text: string): { state: BuildState; image: ImageRecord } {
    const { images } = this.stores;
    const image = images.resolve(text);
    this.pin(image.layers);
    let history: HistoryEntry[] = [];
    try {
      history = parseConfigBlob(images.configBytes(image), `image ${text}`).history ?? [];
    } catch {
      // Without its config blob the image still has its layers and record config.
    }
    // A base whose history does not add up to its layers (imported ones have none) gets one entry per layer.
    if (history.filter((h) => !h.empty_layer).length !== image.layers.length) history = image.layers.map(() => ({ created: image.created }));
    return { state: { layers: image.layers, config: image.config, history }, image };
  }

  /** Builds make images for this machine only: `--platform` may name it, nothing else. */
  checkPlatform(text: string): void {
    const here = `linux/${ociArch()}`;
    if (text.replace(/^\$BUILDPLATFORM$|^\$TARGETPLATFORM$/, here) !== here) throw new UserError(`platform ${text} is not supported: rocker builds for ${here} only`);
  }

  /** Pins layers for this process; false when one is no longer in the store. */
  pin(layerIds: string[]): boolean {
    for (const l of layerIds) {
      // Noted first: a pin half-made by a full disk is still this build's to remove.
      this.pinned.add(l);
      this.stores.layers.pin(l);
    }
    return layerIds.every((l) => this.stores.layers.has(l));
  }

  /** A layer from a list of members (COPY, ADD), through the layer store's one import path. */
  async layerFromItems(items: TarItem[], what: string): Promise<string> {
    const { diffId } = await this.stores.layers.importStream(itemsTar(items), what);
    this.pinned.add(diffId);
    return diffId;
  }

  /** A staging directory under the store's tmp/, cleaned up after a killed build by the next one. */
  staging(): string {
    return join(this.stores.layers.staging('build'), 'diff');
  }

  async extractTar(input: Readable, dest: string, what: string): Promise<void> {
    const { extractTar } = await import('../tar/extract.ts');
    await extractTar(input, dest, what);
  }

  /** The stage's file system merged as overlayfs will merge it (top layer first). */
  async root(state: BuildState): Promise<Root> {
    const layers = [...state.layers].reverse().map((l) => this.stores.layers.diffPath(l));
    if (layers.length < 2) return { layers, isOpaque: () => false };
    const { getXattr } = await import('../sys/libc.ts');
    return { layers, isOpaque: (dir) => getXattr(dir, 'trusted.overlay.opaque') === 'y' };
  }

  /**
   * Runs `command` in a container over the state's layers (the `rocker run`
   * path, with runc) and returns its exit code and, when it succeeded, the
   * layer its changes made. The container is removed whatever happens.
   */
  async run(state: BuildState, command: string[], opts: { env: string[]; network: 'none' | 'host'; echo: boolean }): Promise<{ code: number; layer?: string; output?: string }> {
    if (state.layers.length === 0) throw new UserError('RUN needs a file system: the stage has no layers (FROM scratch with nothing copied yet)');
    const options: RunOptions = {
      tty: false, interactive: false, detach: false, autoRemove: false, readOnly: false, env: opts.env, volumes: [], tmpfs: [],
      capAdd: [], capDrop: [], noNewPrivileges: false, network: opts.network, resources: {},
    };
    const id = this.stateId(state);
    const from = { name: 'rocker-build', tag: 'step', digest: id, id: id.slice(7, 19), layers: state.layers, config: { ...state.config, Entrypoint: null } };
    const created = await createContainer(this.stores.images, { image: 'build step', command, name: `rocker-build-${process.pid}-${randomHex(4)}`, options, runtime: this.runtime, from });
    // Ctrl-C or SIGTERM cancels the build, as with docker build: a shell as PID 1 would ignore the forwarded signal.
    let interrupted: NodeJS.Signals | undefined;
    const cancel = (sig: NodeJS.Signals) => () => {
      interrupted = sig;
      signalContainer(this.paths, created.rec, 'SIGKILL');
    };
    const handlers = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((s) => [s, cancel(s)] as const);
    for (const [s, h] of handlers) process.on(s, h);
    try {
      const code = await runForeground(this.paths, created, undefined, opts.echo);
      if (interrupted) throw new UserError(`build cancelled (${interrupted})`, interrupted === 'SIGINT' ? 130 : 143);
      // Output that was not shown as it came (-q) is handed back for the failure's report.
      if (code !== 0) return { code, output: opts.echo ? undefined : await loggedText(this.paths, created.rec) };
      const { diffId } = await commitLayer(this.stores.images, created.rec);
      this.pinned.add(diffId);
      return { code, layer: diffId };
    } finally {
      for (const [s, h] of handlers) process.off(s, h);
      await removeFiles(this.paths, created.rec.id, created.runtime, created.rec.name);
    }
  }

  /** Containers of builds that were killed (their process is gone): removed, as the next store operation should. */
  async removeAbandonedContainers(): Promise<void> {
    for (const c of listContainers(this.paths)) {
      const pid = Number(/^rocker-build-(\d+)-/.exec(c.name)?.[1]);
      if (pid && pid !== process.pid && !pidAlive(pid)) await removeFiles(this.paths, c.id, this.runtime, c.name);
    }
  }

  /** Names the final state; every tag gets the same config bytes, so the same id. */
  async commit(state: BuildState, refs: { name: string; tag: string }[]): Promise<ImageRecord[]> {
    if (state.layers.length === 0) throw new UserError('the image has no layers: add a file (COPY, ADD or RUN) to a FROM scratch stage');
    const id = this.stateId(state);
    const targets = refs.length ? refs : [{ name: 'untagged', tag: id.slice(7, 19) }];
    const out: ImageRecord[] = [];
    for (const r of targets) out.push(await this.stores.images.commit({ ...r, layers: state.layers, config: state.config, history: state.history }));
    return out;
  }

  /** Ends this build's pins: what it made is referenced by its image and its cache entries by now. */
  release(): void {
    for (const l of this.pinned) this.stores.layers.unpin(l);
    this.pinned.clear();
  }

  removeStaging(dir: string): void {
    rmSync(dir.replace(/\/diff$/, ''), { recursive: true, force: true });
  }
}
