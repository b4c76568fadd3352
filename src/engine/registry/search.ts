/*
 * `rocker search`: which repositories a registry has. Docker's own search is
 * `GET /v1/search?q=TERM&n=LIMIT` (Docker Hub's index, Harbor, Quay answer
 * it); the CNCF distribution registry has no search at all, only
 * `/v2/_catalog`, so there rocker lists the catalog and keeps the names
 * that contain the term (case-insensitive). The registry comes from the term
 * (`localhost:5000/busy`), else it is the one pull uses for a bare name;
 * credentials are the ones `rocker login` or Docker's config stored for it.
 */
import * as v from 'valibot';
import { UserError } from '../../common/errors.ts';
import { finite, looseObject } from '../../common/schema.ts';
import { DOCKER_HUB, isDomain, normalizeDomain, registryHost, searchHost } from '../reference.ts';
import { RegistryClient, readLimited, statusError } from './client.ts';
import { findCredentials } from './credentials.ts';

export interface SearchResult {
  name: string;
  description: string;
  starCount: number;
  isOfficial: boolean;
  isAutomated: boolean;
}

export interface SearchOptions {
  limit: number;
  insecure?: boolean;
}

const v1Answer = looseObject({
  results: v.array(
    looseObject({
      name: v.string(),
      description: v.nullish(v.string()),
      star_count: v.nullish(finite()),
      is_official: v.nullish(v.boolean()),
      is_automated: v.nullish(v.boolean()),
    }),
  ),
});

const catalogAnswer = looseObject({ repositories: v.nullish(v.array(v.string())) });
const tagsAnswer = looseObject({ name: v.string(), tags: v.nullish(v.array(v.string())) });

/** The registry a term names and what is left to look for: `localhost:5000/busy` → localhost:5000, "busy". */
export function splitTerm(term: string): { domain: string; query: string } {
  const slash = term.indexOf('/');
  if (slash > 0 && isDomain(term.slice(0, slash))) return { domain: normalizeDomain(term.slice(0, slash)), query: term.slice(slash + 1) };
  return { domain: DOCKER_HUB, query: term };
}

const CAP = 8 << 20;
const PAGE = 1000;

async function json(res: Response, what: string): Promise<unknown> {
  try {
    return JSON.parse((await readLimited(res, CAP, what)).toString('utf8'));
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`${what}: the registry's answer is not JSON`);
  }
}

/** Docker's v1 search, or undefined when the registry has none (404, 405, not JSON of that shape). */
async function v1Search(client: RegistryClient, query: string, limit: number): Promise<SearchResult[] | undefined> {
  const res = await client.fetch(`/v1/search?q=${encodeURIComponent(query)}&n=${limit}`, { method: 'GET', scope: '' });
  if (res.status === 404 || res.status === 405 || res.status === 400) {
    await res.body?.cancel().catch(() => undefined);
    return undefined;
  }
  if (!res.ok) throw await statusError(res, client.what, 'search');
  const parsed = v.safeParse(v1Answer, await json(res, client.what).catch(() => undefined));
  if (!parsed.success) return undefined;
  return parsed.output.results.map((r) => ({
    name: r.name,
    description: r.description ?? '',
    starCount: r.star_count ?? 0,
    isOfficial: !!r.is_official,
    isAutomated: !!r.is_automated,
  }));
}

/** Every repository in the catalog, page by page (the Link header's `last`). */
async function catalog(client: RegistryClient): Promise<string[]> {
  const names: string[] = [];
  for (let url: string | undefined = `/v2/_catalog?n=${PAGE}`; url; ) {
    const res = await client.fetch(url, { method: 'GET', scope: 'registry:catalog:*' });
    if (!res.ok) throw await statusError(res, client.what, 'the catalog');
    const parsed = v.safeParse(catalogAnswer, await json(res, client.what));
    if (!parsed.success) throw new UserError(`${client.what}: invalid catalog answer`);
    names.push(...(parsed.output.repositories ?? []));
    const next = /<([^>]+)>;\s*rel="?next"?/.exec(res.headers.get('link') ?? '')?.[1];
    url = next && parsed.output.repositories?.length ? next : undefined;
  }
  return names;
}

export async function searchRegistry(root: string, term: string, opts: SearchOptions): Promise<SearchResult[]> {
  const { domain, query } = splitTerm(term);
  const credentials = findCredentials(root, domain);
  const what = `cannot search ${domain}`;
  const index = new RegistryClient({ host: searchHost(domain), what, credentials, insecure: opts.insecure });
  const found = query ? await v1Search(index, query, opts.limit) : undefined;
  if (found) return found.slice(0, opts.limit);
  const client = new RegistryClient({ host: registryHost(domain), what, credentials, insecure: opts.insecure });
  const q = query.toLowerCase();
  return (await catalog(client))
    .filter((n) => n.toLowerCase().includes(q))
    .sort()
    .slice(0, opts.limit)
    .map((n) => ({ name: `${domain}/${n}`, description: '', starCount: 0, isOfficial: false, isAutomated: false }));
}

/** `search --list-tags REPOSITORY`: the repository's tags (Podman's), sorted. */
export async function listTags(root: string, term: string, opts: SearchOptions): Promise<Array<{ name: string; tag: string }>> {
  const { domain, query } = splitTerm(term);
  const path = domain === DOCKER_HUB && !query.includes('/') ? `library/${query}` : query;
  const client = new RegistryClient({ host: registryHost(domain), what: `cannot list the tags of ${term}`, credentials: findCredentials(root, domain), insecure: opts.insecure });
  const res = await client.fetch(`/v2/${path}/tags/list`, { method: 'GET', scope: `repository:${path}:pull` });
  if (!res.ok) throw await statusError(res, client.what, `repository ${term}`);
  const parsed = v.safeParse(tagsAnswer, await json(res, client.what));
  if (!parsed.success) throw new UserError(`${client.what}: invalid tag list`);
  return [...(parsed.output.tags ?? [])].sort().slice(0, opts.limit).map((tag) => ({ name: term, tag }));
}
