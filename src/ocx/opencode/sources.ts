// Where OpenCode binaries and the "latest" version come from. Each source
// downloads into a scratch directory and returns the verified archive or binary.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { download, getJson } from './http.ts';
import { npmRegistry } from './npm-registry.ts';

export interface Fetched {
  /** The downloaded file: a .tar.gz/.tgz or the binary itself. */
  file: string;
  /** How it was checked: "sha512 integrity from the npm registry", "none published", ... */
  verified: string;
}

export interface Source {
  name: string;
  latest?: () => Promise<string>;
  fetch: (version: string, arch: string, scratch: string) => Promise<Fetched>;
}

export async function fileDigest(path: string, algo: 'sha256' | 'sha512', enc: 'hex' | 'base64' = 'hex'): Promise<string> {
  const h = createHash(algo);
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest(enc);
}

const GITHUB_REPO = 'anomalyco/opencode';

function githubHeaders(): Record<string, string> {
  const h: Record<string, string> = { accept: 'application/vnd.github+json' };
  if (process.env.GITHUB_TOKEN) h.authorization = `Bearer ${process.env.GITHUB_TOKEN}`;
  return h;
}

interface GithubRelease { tag_name?: string; body?: string; assets?: Array<{ name: string; browser_download_url: string; digest?: string | null }> }

export async function githubRelease(tag: string): Promise<GithubRelease> {
  const path = tag === 'latest' ? 'latest' : `tags/v${tag}`;
  return (await getJson(`https://api.github.com/repos/${GITHUB_REPO}/releases/${path}`, githubHeaders())) as GithubRelease;
}

export const github: Source = {
  name: 'GitHub releases',
  async latest() {
    const tag = (await githubRelease('latest')).tag_name;
    if (!tag) throw new Error('GitHub answered without a tag_name');
    return tag.replace(/^v/, '');
  },
  async fetch(version, arch, scratch) {
    const asset = `opencode-linux-${arch}.tar.gz`;
    const rel = await githubRelease(version);
    const a = rel.assets?.find((x) => x.name === asset);
    if (!a) throw new Error(`release v${version} has no ${asset}`);
    const file = join(scratch, asset);
    await download(a.browser_download_url, file, `Downloading OpenCode ${version} (GitHub)`);
    if (!a.digest?.startsWith('sha256:')) return { file, verified: 'no checksum published by GitHub' };
    const got = await fileDigest(file, 'sha256');
    if (`sha256:${got}` !== a.digest) throw new Error(`${asset}: sha256 ${got} does not match the published ${a.digest}`);
    return { file, verified: 'sha256 digest from GitHub' };
  },
};

interface NpmPackument { 'dist-tags'?: Record<string, string>; versions?: Record<string, { dist?: { tarball?: string; integrity?: string } }> }

async function packument(arch: string): Promise<NpmPackument> {
  // The abbreviated form: dist-tags and dist fields only, a fraction of the full document.
  return (await getJson(`${npmRegistry()}opencode-linux-${arch}`, { accept: 'application/vnd.npm.install-v1+json' })) as NpmPackument;
}

export const npm: Source = {
  name: 'npm registry',
  async latest() {
    const v = (await packument(process.arch === 'arm64' ? 'arm64' : 'x64'))['dist-tags']?.latest;
    if (!v) throw new Error('the npm registry has no "latest" dist-tag for opencode');
    return v;
  },
  async fetch(version, arch, scratch) {
    const dist = (await packument(arch)).versions?.[version]?.dist;
    if (!dist?.tarball) throw new Error(`opencode-linux-${arch}@${version} is not on the npm registry`);
    if (!dist.integrity?.startsWith('sha512-')) throw new Error(`opencode-linux-${arch}@${version}: the registry publishes no sha512 integrity`);
    const file = join(scratch, 'package.tgz');
    await download(dist.tarball, file, `Downloading OpenCode ${version} (npm)`);
    const got = `sha512-${await fileDigest(file, 'sha512', 'base64')}`;
    if (got !== dist.integrity) throw new Error(`opencode-linux-${arch}@${version}: integrity ${got} does not match the published ${dist.integrity}`);
    return { file, verified: 'sha512 integrity from the npm registry' };
  },
};

export function mirror(template: string): Source {
  return {
    name: `mirror ${template}`,
    async fetch(version, arch, scratch) {
      const url = template.replaceAll('{version}', version).replaceAll('{arch}', arch);
      const file = join(scratch, 'download');
      await download(url, file, `Downloading OpenCode ${version} (${url})`);
      return { file, verified: 'none (mirror)' };
    },
  };
}

/** Sources in the order to try: the mirror if set, then the preferred registry, then the other. */
export function sourcesFor(cfg: { opencode_source: 'github' | 'npm'; opencode_download_url: string | null }): Source[] {
  const list = cfg.opencode_source === 'npm' ? [npm, github] : [github, npm];
  return cfg.opencode_download_url ? [mirror(cfg.opencode_download_url), ...list] : list;
}
