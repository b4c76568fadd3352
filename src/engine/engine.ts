// The engine's one handle. The CLIs open it once; each verb group loads its
// implementation on first use, so `rocker --version` loads none of it and a
// command loads only what its verbs need.
import { DEFAULT_ROOT, DEFAULT_RUNROOT, storePaths, type StorePaths } from './paths.ts';
import type { Stores } from './stores.ts';
import type { ContainerVerbs } from './verbs/containers.ts';
import type { ImageVerbs } from './verbs/images.ts';
import type { KubeVerbs } from './verbs/kube.ts';
import type { NetworkVerbs } from './verbs/networks.ts';
import type { PodVerbs } from './verbs/pods.ts';
import type { RegistryVerbs } from './verbs/registry.ts';
import type { SystemVerbs } from './verbs/system.ts';
import type { VolumeVerbs } from './verbs/volumes.ts';

export interface EngineOptions {
  /** Persistent store (`--root`, ROCKER_ROOT; default /var/lib/rocker). */
  root?: string;
  /** Runtime state that must not survive a reboot (ROCKER_RUNROOT; default /run/rocker). */
  runRoot?: string;
  /** OCI runtime name or path (`--runtime`, ROCKER_RUNTIME; default runc). */
  runtime?: string;
}

export class Engine {
  readonly paths: StorePaths;
  readonly runtime: string;
  private readonly loaded = new Map<string, Promise<unknown>>();

  constructor(opts: EngineOptions) {
    this.paths = storePaths(opts.root ?? DEFAULT_ROOT, opts.runRoot ?? DEFAULT_RUNROOT);
    this.runtime = opts.runtime ?? 'runc';
  }

  images(): Promise<ImageVerbs> {
    return this.once('images', async () => new (await import('./verbs/images.ts')).ImageVerbs(await this.stores(), this.runtime));
  }

  containers(): Promise<ContainerVerbs> {
    return this.once('containers', async () => new (await import('./verbs/containers.ts')).ContainerVerbs(this.paths, this.runtime, () => this.stores()));
  }

  networks(): Promise<NetworkVerbs> {
    return this.once('networks', async () => new (await import('./verbs/networks.ts')).NetworkVerbs(this.paths));
  }

  registry(): Promise<RegistryVerbs> {
    return this.once('registry', async () => new (await import('./verbs/registry.ts')).RegistryVerbs(await this.stores()));
  }

  system(): Promise<SystemVerbs> {
    return this.once('system', async () => new (await import('./verbs/system.ts')).SystemVerbs(await this.stores(), this.runtime));
  }

  pods(): Promise<PodVerbs> {
    return this.once('pods', async () => new (await import('./verbs/pods.ts')).PodVerbs(this.paths, this.runtime));
  }

  kube(): Promise<KubeVerbs> {
    return this.once('kube', async () => new (await import('./verbs/kube.ts')).KubeVerbs(this.paths, await this.pods(), await this.containers(), await this.volumes()));
  }

  volumes(): Promise<VolumeVerbs> {
    return this.once('volumes', async () => new (await import('./verbs/volumes.ts')).VolumeVerbs(this.paths));
  }

  private stores(): Promise<Stores> {
    return this.once('stores', async () => (await import('./stores.ts')).openStores(this.paths));
  }

  private once<T>(key: string, make: () => Promise<T>): Promise<T> {
    let p = this.loaded.get(key) as Promise<T> | undefined;
    if (!p) {
      p = make();
      this.loaded.set(key, p);
    }
    return p;
  }
}

/**
 * For anyone but root: continues rocker's command line `argv` as root of the
 * user's own user namespace, on the user's own store (rootless/enter.ts).
 * Returns only by throwing.
 */
export async function enterRootless(argv: string[]): Promise<never> {
  return (await import('./rootless/enter.ts')).enterRootless(argv);
}

export function openEngine(opts: EngineOptions): Engine {
  return new Engine(opts);
}
