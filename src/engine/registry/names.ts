import { UserError } from '../../common/errors.ts';
import { parseImageRef } from '../reference.ts';

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

export function isDomain(first: string): boolean {
  return first.includes('.') || first.includes(':') || first === 'localhost';
}

/** The API host of a registry name ("docker.io" and its aliases mean Docker Hub). */
export function registryHost(domain: string): string {
  const d = normalizeDomain(domain);
  return d === DOCKER_HUB ? DOCKER_HUB_API : d;
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
