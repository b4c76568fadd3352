import type { Writable } from 'node:stream';
import type { BuildRequest, BuildResult } from '../build/builder.ts';
import type { HistoryRow } from '../image-store/history.ts';
import type { ImageRecord } from '../image-store/record.ts';
import type { DamagedRecord } from '../image-store/store.ts';
import { formatRef } from '../reference.ts';
import type { Stores } from '../stores.ts';

/** A build: the Dockerfile's text, and the context directory (none for `rocker build -`). */
export interface BuildOptions extends Omit<BuildRequest, 'context'> {
  contextDir?: string;
  /** The Dockerfile's path when it lies inside the context (it is then left out of COPY's view only if ignored). */
  dockerfilePath?: string;
}

export interface PruneReport {
  /** Images removed (untagged ones; with `all`, every image no container uses). */
  images: ImageRecord[];
  /** Layers that are gone afterwards, with the bytes each held. */
  layers: Array<{ diffId: string; size: number }>;
  reclaimed: number;
}

/** Image verbs: list, inspect, remove, tag, history, import, save, load, build, prune. */
export class ImageVerbs {
  constructor(
    private readonly stores: Stores,
    /** The OCI runtime, for the containers of build steps. */
    private readonly runtime: string,
  ) {}

  /**
   * Images, newest first; `filters` are Docker's (`reference=busy*`,
   * `dangling=true`, `label=k=v`, `before=`, `since=`), and `repository`
   * (`images REPO[:TAG]`) keeps one name, or one name and tag.
   */
  /**
   * Images, newest first. `damaged` names records that cannot be read;
   * `missingLayers` images whose record reads but a layer is gone (listed all
   * the same, so that rmi can name them).
   */
  async list(opts: { filters?: string[]; repository?: string } = {}): Promise<{ images: ImageRecord[]; damaged: DamagedRecord[]; missingLayers: Array<{ image: ImageRecord; layer: string }> }> {
    const listed = this.stores.images.list();
    let images = listed.images;
    if (opts.repository !== undefined) {
      const { parseImageRef } = await import('../reference.ts');
      const hasTag = /:[^/]*$/.test(opts.repository);
      const ref = parseImageRef(opts.repository, 'repository');
      images = images.filter((r) => r.name === ref.name && (!hasTag || r.tag === ref.tag));
    }
    if (opts.filters?.length) {
      const { imageFilter } = await import('./image-filters.ts');
      images = images.filter(imageFilter(opts.filters, (t) => this.stores.images.resolve(t)));
    }
    const has = this.stores.layers.presence();
    // Plain loops: 1,000 images run in the interpreter, where flatMap and find cost ~1 ms more.
    const missingLayers: Array<{ image: ImageRecord; layer: string }> = [];
    for (const image of images) {
      for (const layer of image.layers) {
        if (has(layer)) continue;
        missingLayers.push({ image, layer });
        break;
      }
    }
    return { images, damaged: listed.damaged, missingLayers };
  }

  /** One image by NAME[:TAG] or id prefix (a UserError when there is none). */
  inspect(text: string): ImageRecord {
    return this.stores.images.resolve(text);
  }

  /** One image in Docker's `image inspect` shape, the seed's record fields kept too. */
  async inspectDocker(text: string): Promise<Record<string, unknown>> {
    const { dockerImage } = await import('../image-store/inspect.ts');
    const rec = this.stores.images.resolve(text);
    // Sorted as Docker's reference store sorts them (lexically).
    const tags = this.stores.images.list().images.filter((r) => r.digest === rec.digest && r.name !== 'untagged').map(formatRef).sort();
    return dockerImage(rec, tags);
  }

  /**
   * Removes the images `texts` name. With `force`, also records too damaged
   * to read (without it, the damage is the error): reported apart.
   */
  async remove(texts: string[], force: boolean): Promise<{ removed: ImageRecord[]; damaged: Array<{ text: string; ref: string }>; stillTagged: Set<string> }> {
    const damaged = force ? await this.stores.images.removeDamaged(texts) : [];
    const rest = texts.filter((t) => !damaged.some((d) => d.text === t));
    const removed = rest.length > 0 ? await this.stores.images.remove(rest, force) : [];
    // Digests another tag still names: those images were only untagged, not deleted.
    const stillTagged = new Set(removed.length > 0 ? this.stores.images.list().images.map((r) => r.digest) : []);
    return { removed, damaged, stillTagged };
  }

  async tag(source: string, target: string): Promise<ImageRecord> {
    const { tagImage } = await import('../image-store/tag.ts');
    return tagImage(this.stores.images, source, target);
  }

  async history(text: string): Promise<HistoryRow[]> {
    const { imageHistory } = await import('../image-store/history.ts');
    return imageHistory(this.stores.images, this.stores.images.resolve(text));
  }

  /** `rocker import`: a root filesystem tar (a path, or - for standard input) as a one-layer image. */
  async import(file: string, ref: string): Promise<ImageRecord> {
    const { importImage } = await import('../image-store/import.ts');
    return importImage(this.stores.images, file, ref);
  }

  async save(texts: string[], out: Writable): Promise<void> {
    const { saveImages } = await import('../image-store/archive/save.ts');
    await saveImages(this.stores.images, texts, out);
  }

  /** `rocker load`: a docker save or OCI layout archive from a file, or - for standard input. */
  async load(file: string): Promise<ImageRecord[]> {
    const [{ loadImages }, { openTarInput }] = await Promise.all([import('../image-store/archive/load.ts'), import('../image-store/import.ts')]);
    const { stream, what } = openTarInput(file);
    return (await loadImages(this.stores.images, stream, what)).images;
  }

  /** `rocker build`: a Dockerfile into an image, step by step, through the build cache. */
  async build(opts: BuildOptions): Promise<BuildResult> {
    const [{ build }, { contextTree }] = await Promise.all([import('../build/builder.ts'), import('../build/context.ts')]);
    const { contextDir, dockerfilePath, ...req } = opts;
    const context = contextDir === undefined ? undefined : contextTree(contextDir, dockerfilePath);
    return build(this.stores, this.runtime, { ...req, context });
  }

  /**
   * Removes untagged images (loaded without a name: Docker's dangling ones),
   * or with `all` every image no container uses, then every layer and blob
   * nothing references.
   */
  async prune(all: boolean): Promise<PruneReport> {
    const { images, layers, paths } = this.stores;
    const [{ removeAbandonedBuilds }, { clearBuildCache }] = await Promise.all([import('../build/builder.ts'), import('../build-cache/store.ts')]);
    // Containers of killed builds first, so that the images they used can go too.
    await removeAbandonedBuilds(this.stores, this.runtime);
    const sizes = new Map(layers.list().map((l) => [l, layers.info(l)?.size ?? 0]));
    const { containerUsages } = await import('../container-store/usage.ts');
    const used = new Set(containerUsages(paths).map((u) => u.digest));
    const unused = images.list().images.filter((r) => !used.has(r.digest) && (all || r.name === 'untagged'));
    const removed: ImageRecord[] = [];
    for (const r of unused) {
      try {
        removed.push(...(await images.remove([formatRef(r)], false)));
      } catch (err) {
        // A concurrent rmi or prune took it first, or a container started using it since: skip it, as Docker does.
        const gone = images.find(r.name, r.tag)?.digest !== r.digest;
        if (!gone && !containerUsages(paths).some((u) => u.digest === r.digest)) throw err;
      }
    }
    // The build cache goes too, as Docker's prune drops its dangling build cache.
    clearBuildCache(paths);
    await images.prune();
    const gone = [...sizes.keys()].filter((l) => !layers.has(l)).map((diffId) => ({ diffId, size: sizes.get(diffId) ?? 0 }));
    return { images: removed, layers: gone, reclaimed: gone.reduce((n, l) => n + l.size, 0) };
  }
}
