import * as v from 'valibot';
import { UserError, oneLine } from '../../common/errors.ts';
import type { Credentials } from './credentials.ts';
import { tokenSchema } from './schemas.ts';
import { usesPlainHttp } from '../reference.ts';

export interface ClientOptions {
  /** Registry host[:port] of the API. */
  host: string;
  /** Names the image (or registry) in every error. */
  what: string;
  credentials?: Credentials;
  insecure?: boolean;
}

interface Challenge {
  scheme: 'bearer' | 'basic';
  params: Record<string, string>;
}

/** `Bearer realm="…",service="…",scope="…"` as a scheme and parameters. */
export function parseChallenge(header: string | null): Challenge | undefined {
  if (!header) return undefined;
  const m = /^\s*(\w+)\s*(.*)$/s.exec(header);
  if (!m) return undefined;
  const scheme = m[1]!.toLowerCase();
  if (scheme !== 'bearer' && scheme !== 'basic') return undefined;
  const params: Record<string, string> = {};
  for (const p of m[2]!.matchAll(/(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) params[p[1]!.toLowerCase()] = p[2] ?? p[3] ?? '';
  return { scheme, params };
}

/** The registry's own words from an error body ({"errors":[{"code","message"}]}), if any. */
async function registryMessage(res: Response): Promise<string> {
  let text = '';
  try {
    text = (await res.text()).slice(0, 4096);
    const json = JSON.parse(text) as { errors?: Array<{ code?: string; message?: string }> };
    const e = json.errors?.[0];
    if (e) return [e.code, e.message].filter(Boolean).join(': ');
  } catch {
    // Not JSON: a short plain-text line still says something ("Client sent an HTTP request to an HTTPS server.").
  }
  const line = text.trim().split('\n')[0] ?? '';
  return line.length <= 200 && !line.startsWith('<') && !line.startsWith('{') ? line : '';
}

/** A one-line cause for a failed response, by status. */
export async function statusError(res: Response, what: string, subject: string): Promise<UserError> {
  const detail = await registryMessage(res);
  const tail = detail ? ` (${detail})` : '';
  const s = res.status;
  const cause =
    s === 401 ? 'authentication required or credentials rejected (use rocker login)'
    : s === 403 ? 'access denied'
    : s === 404 ? `${subject} not found`
    : s === 429 ? 'too many requests: the registry is rate-limiting, retry later'
    : s >= 500 ? `the registry failed with HTTP ${s}`
    : `unexpected HTTP ${s}`;
  return new UserError(`${what}: ${cause}${tail}`);
}

/**
 * An OCI distribution API client for one registry, speaking to it with
 * fetch. Authentication is negotiated the way Docker does: a request without
 * credentials, then on 401 the challenge decides — a Bearer token from the
 * named realm (with Basic credentials when known) or Basic directly.
 * Tokens are cached per scope for the client's life.
 */
export class RegistryClient {
  readonly base: string;
  private tokens = new Map<string, string>();
  private basic = false;

  constructor(private readonly opts: ClientOptions) {
    this.base = `${usesPlainHttp(opts.host, opts.insecure) ? 'http' : 'https'}://${opts.host}`;
  }

  get what(): string {
    return this.opts.what;
  }

  /**
   * Sends a request, answering an authentication challenge once. `scope` is
   * the token scope ("repository:library/busybox:pull"). Throws a UserError
   * for network failures; HTTP errors are left to the caller (`ok` check).
   */
  async fetch(url: string, init: RequestInit & { scope: string }): Promise<Response> {
    const full = url.startsWith('http') ? url : `${this.base}${url}`;
    let res = await this.send(full, init, this.authHeader(init.scope));
    if (res.status !== 401) return res;
    const challenge = parseChallenge(res.headers.get('www-authenticate'));
    if (!challenge) return res;
    await res.body?.cancel().catch(() => undefined);
    const auth = await this.authenticate(challenge, init.scope);
    if (!auth) return new Response(null, { status: 401 });
    res = await this.send(full, init, auth);
    return res;
  }

  private authHeader(scope: string): string | undefined {
    const token = this.tokens.get(scope);
    if (token) return `Bearer ${token}`;
    if (this.basic && this.opts.credentials) return basicHeader(this.opts.credentials);
    return undefined;
  }

  private async authenticate(ch: Challenge, scope: string): Promise<string | undefined> {
    const creds = this.opts.credentials;
    if (ch.scheme === 'basic') {
      if (!creds) return undefined;
      this.basic = true;
      return basicHeader(creds);
    }
    const realm = ch.params.realm;
    if (!realm) throw new UserError(`${this.opts.what}: the registry's Bearer challenge names no realm`);
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      throw new UserError(`${this.opts.what}: the registry's token realm "${realm}" is not a URL`);
    }
    if (ch.params.service) url.searchParams.set('service', ch.params.service);
    for (const s of scope.split(' ').filter(Boolean)) url.searchParams.append('scope', s);
    const headers: Record<string, string> = {};
    if (creds) headers.authorization = basicHeader(creds);
    const res = await this.send(url.toString(), { method: 'GET' }, headers.authorization);
    if (!res.ok) {
      const err = await statusError(res, this.opts.what, 'token');
      throw new UserError(`${err.message.replace(/: /, ': token request failed: ')}`);
    }
    let json: unknown;
    try {
      json = await res.json();
    } catch {
      throw new UserError(`${this.opts.what}: the token server's answer is not JSON`);
    }
    const parsed = v.safeParse(tokenSchema, json);
    if (!parsed.success) throw new UserError(`${this.opts.what}: invalid token answer: ${parsed.issues[0].message}`);
    const token = (parsed.output.token ?? parsed.output.access_token)!;
    this.tokens.set(scope, token);
    return `Bearer ${token}`;
  }

  private async send(url: string, init: RequestInit, auth: string | undefined): Promise<Response> {
    const headers = new Headers(init.headers);
    if (auth) headers.set('authorization', auth);
    headers.set('user-agent', 'rocker');
    try {
      return await fetch(url, { ...init, headers, redirect: 'follow' });
    } catch (e) {
      throw new UserError(`${this.opts.what}: cannot reach ${new URL(url).host}: ${networkCause(e)}`);
    }
  }
}

const networkCauses: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
};

/** A fetch failure in plain words: the errno's meaning, else the runtime's message (TLS errors say what they need). */
function networkCause(e: unknown): string {
  const cause = (e as { cause?: unknown }).cause;
  const code = (e as { code?: string }).code ?? (cause as { code?: string } | undefined)?.code;
  if (code && networkCauses[code]) return `${networkCauses[code]} (${code})`;
  const msg = oneLine(e).replace(/\.? (For more information, pass `verbose: true`|Is the computer able to access the url\?).*$/, '');
  return code && !msg.includes(code) ? `${code} ${msg}` : msg;
}

function basicHeader(c: Credentials): string {
  return `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;
}

/** Reads a small response body (a manifest, a config) with a cap, so a hostile server cannot exhaust memory. */
export async function readLimited(res: Response, limit: number, what: string): Promise<Buffer> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > limit) throw new UserError(`${what}: the response is too large (${declared} bytes, limit ${limit})`);
  const parts: Buffer[] = [];
  let n = 0;
  const reader = res.body?.getReader();
  if (!reader) return Buffer.alloc(0);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      n += value.length;
      if (n > limit) {
        await reader.cancel();
        throw new UserError(`${what}: the response is too large (over ${limit} bytes)`);
      }
      parts.push(Buffer.from(value));
    }
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`${what}: download failed: ${oneLine(e)}`);
  }
  return Buffer.concat(parts);
}
