import { UserError } from '../common/errors.ts';

/**
 * Image references, by Docker's grammar (distribution/reference):
 * `[domain[:port]/]path[:tag][@digest]`, path components lowercase
 * alphanumerics joined by `.`, `_`, `__` or dashes.
 */
export interface ImageRef {
  /** Full name as the user wrote it, without tag or digest ("busybox", "localhost:5000/a/b"). */
  name: string;
  tag: string;
  digest?: string;
}

const pathComponent = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const domainComponent = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;
const tagPattern = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const digestPattern = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-fA-F0-9]{32,}$/;

export const DEFAULT_TAG = 'latest';

export function isDomain(first: string): boolean {
  return first.includes('.') || first.includes(':') || first === 'localhost';
}

/** Why `name` is not a valid repository name, or undefined when it is. */
export function nameProblem(name: string): string | undefined {
  if (name === '') return 'the name is empty';
  if (name.length > 255) return 'the name is longer than 255 characters';
  const parts = name.split('/');
  if (parts.some((p) => p === '.' || p === '..')) return 'it has a "." or ".." component';
  const [first, ...rest] = parts;
  if (rest.length > 0 && first !== undefined && isDomain(first)) {
    const [host, port, extra] = first.split(':');
    if (extra !== undefined || !host || !host.split('.').every((c) => domainComponent.test(c)) || (port !== undefined && !/^\d{1,5}$/.test(port))) {
      return `"${first}" is not a valid registry host`;
    }
    parts.shift();
  }
  for (const p of parts) {
    if (p === '') return 'it has an empty path component (leading, trailing or double "/")';
    if (!pathComponent.test(p)) {
      return /[A-Z]/.test(p)
        ? `"${p}" has uppercase letters (repository names must be lowercase)`
        : `"${p}" may only hold lowercase letters, digits and single separators (. _ __ -)`;
    }
  }
  return undefined;
}

/** Parses `name[:tag][@digest]`; throws a UserError naming the problem. */
export function parseImageRef(text: string, what = 'image name'): ImageRef {
  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!digestPattern.test(digest)) throw new UserError(`invalid ${what} "${text}": "${digest}" is not a digest`);
  }
  let tag = DEFAULT_TAG;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!tagPattern.test(tag)) {
      throw new UserError(`invalid ${what} "${text}": tag "${tag}" must match [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`);
    }
  }
  const problem = nameProblem(rest);
  if (problem) throw new UserError(`invalid ${what} "${text}": ${problem}`);
  return digest ? { name: rest, tag, digest } : { name: rest, tag };
}

export function formatRef(ref: { name: string; tag: string }): string {
  return `${ref.name}:${ref.tag}`;
}

/**
 * A reference resolved to a registry: Docker Hub's short names are part of
 * the reference grammar (`busybox` is `docker.io/library/busybox:latest`, and
 * docker.io's API lives at registry-1.docker.io); every other host is taken
 * as written.
 */
export interface RemoteRef {
  /** The registry as references spell it: "docker.io", "localhost:5000". */
  domain: string;
  /** Host[:port] of the API. */
  host: string;
  /** Repository path on the registry: "library/busybox". */
  path: string;
  tag: string;
  digest?: string;
  /** Whether the tag was written (or only defaulted). */
  explicitTag: boolean;
  /** The name the image is stored under locally, in its familiar form ("busybox", "localhost:5000/app"). */
  localName: string;
}

export const DOCKER_HUB = 'docker.io';
const DOCKER_HUB_API = 'registry-1.docker.io';
/** Docker Hub's index, where its v1 search lives (the registry API host has none). */
const DOCKER_HUB_INDEX = 'index.docker.io';

/** The API host of a registry name ("docker.io" and its aliases mean Docker Hub). */
export function registryHost(domain: string): string {
  const d = normalizeDomain(domain);
  return d === DOCKER_HUB ? DOCKER_HUB_API : d;
}

/** The host that answers `/v1/search` for a registry name, if it has one: Docker Hub's index, else the registry itself. */
export function searchHost(domain: string): string {
  const d = normalizeDomain(domain);
  return d === DOCKER_HUB ? DOCKER_HUB_INDEX : d;
}

export function normalizeDomain(domain: string): string {
  const d = domain.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
  return d === 'index.docker.io' || d === DOCKER_HUB_API ? DOCKER_HUB : d;
}

export function parseRemoteRef(text: string): RemoteRef {
  const ref = parseImageRef(text);
  const noDigest = text.replace(/@.*$/, '');
  const explicitTag = noDigest.lastIndexOf(':') > noDigest.lastIndexOf('/');
  const parts = ref.name.split('/');
  let domain = DOCKER_HUB;
  if (parts.length > 1 && isDomain(parts[0]!)) domain = normalizeDomain(parts.shift()!);
  let path = parts.join('/');
  if (domain === DOCKER_HUB && !path.includes('/')) path = `library/${path}`;
  const localName = domain === DOCKER_HUB ? path.replace(/^library\//, '') : `${domain}/${path}`;
  if (ref.digest && !/^sha256:[0-9a-f]{64}$/.test(ref.digest)) throw new UserError(`invalid image name "${text}": only sha256 digests are supported`);
  return { domain, host: registryHost(domain), path, tag: ref.tag, digest: ref.digest, explicitTag, localName };
}

/** "localhost:5000/app:1" or "busybox@sha256:…", for messages. */
export function displayRef(r: RemoteRef): string {
  return r.digest && !r.explicitTag ? `${r.localName}@${r.digest}` : `${r.localName}:${r.tag}`;
}

/**
 * Plain HTTP only for loopback and the hosts the user marks insecure
 * (`--insecure`, or ROCKER_INSECURE_REGISTRIES=host[:port],...).
 */
export function usesPlainHttp(host: string, insecureFlag = false): boolean {
  if (insecureFlag) return true;
  const name = host.replace(/:\d+$/, '');
  if (name === 'localhost' || name === '127.0.0.1' || name === '[::1]') return true;
  const marked = (process.env.ROCKER_INSECURE_REGISTRIES ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  return marked.includes(host) || marked.includes(name);
}
