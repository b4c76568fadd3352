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

function isDomain(first: string): boolean {
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
