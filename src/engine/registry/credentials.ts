import { chmodSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import * as v from 'valibot';
import { UserError, describeFsError } from '../../common/errors.ts';
import { writeJsonAtomic } from '../../common/fs-atomic.ts';
import { issueText } from '../../common/schema.ts';
import { authFileSchema, type AuthFile } from './schemas.ts';
import { DOCKER_HUB, normalizeDomain } from '../reference.ts';

export interface Credentials {
  username: string;
  password: string;
}

/** rocker's own credentials (`rocker login`), next to the store it serves: root-only, like the store. */
export function rockerAuthPath(root: string): string {
  return process.env.ROCKER_AUTH_FILE ?? join(root, 'auth.json');
}

/** The user's Docker config file, read for credentials `docker login` stored. */
export function dockerConfigPath(): string {
  return join(process.env.DOCKER_CONFIG ?? join(homedir(), '.docker'), 'config.json');
}

function readAuthFile(path: string, optional: boolean): AuthFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if (optional && (e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new UserError(`cannot read ${path}: ${describeFsError(e)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UserError(`cannot read ${path}: not valid JSON`);
  }
  const parsed = v.safeParse(authFileSchema, json);
  if (!parsed.success) throw new UserError(`cannot read ${path}: ${issueText(parsed.issues)}`);
  return parsed.output;
}

/** The keys a registry may be stored under: Docker Hub's legacy URL, with or without scheme. */
function keysFor(domain: string): string[] {
  const d = normalizeDomain(domain);
  const keys = [d, `https://${d}`, `http://${d}`, `https://${d}/v1/`, `https://${d}/v2/`];
  if (d === DOCKER_HUB) keys.push('https://index.docker.io/v1/', 'index.docker.io', 'registry-1.docker.io');
  return keys;
}

function decode(entry: NonNullable<AuthFile['auths']>[string], path: string): Credentials | undefined {
  if (entry.username && entry.password) return { username: entry.username, password: entry.password };
  if (!entry.auth) return undefined;
  const text = Buffer.from(entry.auth, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon <= 0) throw new UserError(`cannot read ${path}: the "auth" entry is not base64 of user:password`);
  return { username: text.slice(0, colon), password: text.slice(colon + 1) };
}

/** Credentials for a registry: rocker's own first, then the Docker config file's. */
export function findCredentials(root: string, domain: string): Credentials | undefined {
  for (const [path, optional] of [[rockerAuthPath(root), true], [dockerConfigPath(), true]] as const) {
    const file = readAuthFile(path, optional);
    for (const key of keysFor(domain)) {
      const entry = file.auths?.[key];
      const creds = entry && decode(entry, path);
      if (creds) return creds;
    }
  }
  return undefined;
}

export function storeCredentials(root: string, domain: string, creds: Credentials): string {
  const path = rockerAuthPath(root);
  const file = readAuthFile(path, true);
  const auths = { ...(file.auths ?? {}) };
  auths[normalizeDomain(domain)] = { auth: Buffer.from(`${creds.username}:${creds.password}`).toString('base64') };
  mkdirSync(dirname(path), { recursive: true });
  writeJsonAtomic(path, { ...file, auths });
  chmodSync(path, 0o600);
  return path;
}

/** Removes rocker's credentials for a registry; false when there were none. */
export function removeCredentials(root: string, domain: string): boolean {
  const path = rockerAuthPath(root);
  const file = readAuthFile(path, true);
  const auths = { ...(file.auths ?? {}) };
  let found = false;
  for (const key of keysFor(domain)) {
    if (key in auths) {
      delete auths[key];
      found = true;
    }
  }
  if (found) writeJsonAtomic(path, { ...file, auths });
  return found;
}
