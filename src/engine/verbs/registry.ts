import type { Credentials } from '../registry/credentials.ts';
import type { ProgressSink } from '../registry/progress.ts';
import type { PullResult } from '../registry/pull.ts';
import type { RemoteRef } from '../reference.ts';
import type { SearchOptions, SearchResult } from '../registry/search.ts';
import type { Stores } from '../stores.ts';

export interface PullRequest {
  platform?: string;
  insecure?: boolean;
  progress?: ProgressSink;
}

/** Registry verbs: pull, push, login, logout. */
export class RegistryVerbs {
  constructor(private readonly stores: Stores) {}

  /**
   * Checks a pull's reference and platform before anything is fetched or
   * printed; what Docker's opening lines name (the tag, or the digest's
   * short form, and the repository).
   */
  async preparePull(text: string, platform?: string): Promise<{ ref: RemoteRef; label: string; repository: string }> {
    const [{ DOCKER_HUB, parseRemoteRef }, { parsePlatform }] = await Promise.all([import('../reference.ts'), import('../oci/platform.ts')]);
    const ref = parseRemoteRef(text);
    parsePlatform(platform);
    const label = ref.digest && !ref.explicitTag ? ref.digest.slice(7, 19) : ref.tag;
    return { ref, label, repository: ref.domain === DOCKER_HUB ? ref.path : `${ref.domain}/${ref.path}` };
  }

  async pull(text: string, opts: PullRequest = {}): Promise<PullResult> {
    const [{ pullImage }, { oneLine, UserError }] = await Promise.all([import('../registry/pull.ts'), import('../../common/errors.ts')]);
    try {
      return await pullImage(this.stores.images, text, opts);
    } catch (err) {
      // The registry's faults are worded already; the store's own (a full disk, a mode-000 file) get the reference too.
      throw err instanceof UserError ? err : new UserError(`cannot pull ${text}: ${oneLine(err)}`);
    }
  }

  async push(text: string, opts: { insecure?: boolean; progress?: ProgressSink } = {}): Promise<{ ref: RemoteRef; digest: string; size: number }> {
    const { pushImage } = await import('../registry/push.ts');
    return pushImage(this.stores.images, text, opts);
  }

  async login(registry: string, creds: Credentials, insecure?: boolean): Promise<{ domain: string; path: string }> {
    const { login } = await import('../registry/login.ts');
    return login(this.stores.paths.root, registry, creds, insecure);
  }

  /** `search TERM`: the registry's v1 search, else its catalog filtered by the term (registry/search.ts). */
  async search(term: string, opts: SearchOptions): Promise<SearchResult[]> {
    const { searchRegistry } = await import('../registry/search.ts');
    return searchRegistry(this.stores.paths.root, term, opts);
  }

  /** `search --list-tags REPOSITORY`. */
  async listTags(term: string, opts: SearchOptions): Promise<Array<{ name: string; tag: string }>> {
    const { listTags } = await import('../registry/search.ts');
    return listTags(this.stores.paths.root, term, opts);
  }

  /** Whether credentials were stored (and are now removed). */
  async logout(registry: string): Promise<boolean> {
    const { logout } = await import('../registry/login.ts');
    return logout(this.stores.paths.root, registry);
  }
}
