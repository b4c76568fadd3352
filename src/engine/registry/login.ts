import { UserError } from '../../common/errors.ts';
import { RegistryClient, statusError } from './client.ts';
import { removeCredentials, storeCredentials, type Credentials } from './credentials.ts';
import { normalizeDomain, registryHost } from '../reference.ts';

/**
 * `rocker login`: checks the credentials against the registry's /v2/ (the
 * same challenge dance a pull does) and only then stores them.
 */
export async function login(root: string, registry: string, creds: Credentials, insecure = false): Promise<{ domain: string; path: string }> {
  const domain = normalizeDomain(registry);
  if (!domain || /[/\s]/.test(domain)) throw new UserError(`invalid registry "${registry}"`);
  const what = `cannot log in to ${domain}`;
  const client = new RegistryClient({ host: registryHost(domain), what, credentials: creds, insecure });
  const res = await client.fetch('/v2/', { method: 'GET', scope: '' });
  if (res.status === 401) throw new UserError(`${what}: the registry rejected the username or password`);
  if (!res.ok) throw await statusError(res, what, 'the registry API (/v2/)');
  await res.body?.cancel().catch(() => undefined);
  return { domain, path: storeCredentials(root, domain, creds) };
}

export function logout(root: string, registry: string): boolean {
  return removeCredentials(root, normalizeDomain(registry));
}
