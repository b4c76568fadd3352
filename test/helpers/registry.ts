// A real CNCF distribution registry (Debian's docker-registry) on loopback, per test file.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';

export interface TestRegistry {
  /** host:port, e.g. 127.0.0.1:41234 */
  host: string;
  dir: string;
  stop: () => Promise<void>;
}

/** Starts the registry; with `auth`, htpasswd Basic authentication (bcrypt file made by apache2-utils' htpasswd). */
export async function startRegistry(opts: { auth?: { username: string; password: string }; tls?: { address: string; cert: string; key: string } } = {}): Promise<TestRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'rocker-registry-'));
  // Port 0: the registry binds a free port itself and logs it, so no other process can take it between a probe and the bind.
  const listen = `${opts.tls?.address ?? '127.0.0.1'}:0`;
  let auth = '';
  if (opts.auth) {
    const r = spawnSync('htpasswd', ['-Bbn', opts.auth.username, opts.auth.password], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`htpasswd failed (apt-get install apache2-utils): ${r.stderr}${r.error ?? ''}`);
    writeFileSync(join(dir, 'htpasswd'), r.stdout);
    auth = `auth:\n  htpasswd:\n    realm: rocker-test\n    path: ${join(dir, 'htpasswd')}\n`;
  }
  const tls = opts.tls ? `  tls:\n    certificate: ${opts.tls.cert}\n    key: ${opts.tls.key}\n` : '';
  writeFileSync(
    join(dir, 'config.yml'),
    `version: 0.1\nlog:\n  level: info\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, 'data')}\n  delete:\n    enabled: true\nhttp:\n  addr: ${listen}\n${tls}${auth}`,
  );
  const child: ChildProcess = spawn('docker-registry', ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const deadline = Date.now() + 15_000;
  let host = '';
  for (;;) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited: ${stderr}`);
    host ||= /msg="listening on ([^",]+)/.exec(stderr)?.[1] ?? '';
    try {
      // TLS: the answer to plain HTTP (400) proves it listens too.
      const res = host ? await fetch(`http://${host}/v2/`) : undefined;
      if (res && (res.status === 200 || res.status === 401 || (opts.tls && res.status === 400))) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`docker-registry did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    host,
    dir,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------------------
// Test images made from tar bytes, and ways to serve them.


const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

export interface FixtureLayer {
  blob: Buffer;
  digest: string;
  diffId: string;
}

export interface FixtureImage {
  config: Buffer;
  configDigest: string;
  layers: FixtureLayer[];
  manifest: Buffer;
  manifestDigest: string;
}

/** An image (Docker schema 2 manifest, gzip layers) from uncompressed layer tars, bottom first. */
export function makeImage(tars: Buffer[], opts: { architecture?: string; os?: string; cmd?: string[]; createdBy?: string[]; zstd?: boolean } = {}): FixtureImage {
  const layers = tars.map((t) => {
    const blob = opts.zstd ? spawnSync('zstd', ['-q', '-c'], { input: t, maxBuffer: 1 << 30 }).stdout : gzipSync(t);
    return { blob, digest: sha(blob), diffId: sha(t) };
  });
  const config = Buffer.from(JSON.stringify({
    architecture: opts.architecture ?? (process.arch === 'x64' ? 'amd64' : process.arch),
    os: opts.os ?? 'linux',
    created: '2026-01-02T03:04:05Z',
    config: { Env: ['PATH=/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: opts.cmd ?? ['/bin/sh'] },
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
    history: layers.map((_, i) => ({ created: '2026-01-02T03:04:05Z', created_by: opts.createdBy?.[i] ?? `layer ${i}` })),
  }));
  // zstd layers exist only in OCI manifests; gzip ones get Docker's schema 2, the commonest kind.
  const manifest = Buffer.from(JSON.stringify(opts.zstd
    ? {
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha(config), size: config.length },
        layers: layers.map((l) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+zstd', digest: l.digest, size: l.blob.length })),
      }
    : {
        schemaVersion: 2,
        mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
        config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: sha(config), size: config.length },
        layers: layers.map((l) => ({ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest: l.digest, size: l.blob.length })),
      }));
  return { config, configDigest: sha(config), layers, manifest, manifestDigest: sha(manifest) };
}

/** An OCI index over images, each for its platform. */
export function makeIndex(entries: Array<{ image: FixtureImage; platform: { os: string; architecture: string; variant?: string } }>): { bytes: Buffer; digest: string } {
  const bytes = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: entries.map((e) => ({ mediaType: 'application/vnd.docker.distribution.manifest.v2+json', digest: e.image.manifestDigest, size: e.image.manifest.length, platform: e.platform })),
  }));
  return { bytes, digest: sha(bytes) };
}

/** Uploads an image to a real registry with the distribution API (monolithic blob uploads). */
export async function uploadImage(host: string, repo: string, tag: string, image: FixtureImage, auth?: { username: string; password: string }): Promise<void> {
  const headers: Record<string, string> = auth ? { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` } : {};
  const blobs = [...image.layers.map((l) => ({ digest: l.digest, bytes: l.blob })), { digest: image.configDigest, bytes: image.config }];
  for (const b of blobs) {
    const start = await fetch(`http://${host}/v2/${repo}/blobs/uploads/`, { method: 'POST', headers });
    if (start.status !== 202) throw new Error(`upload start: HTTP ${start.status}`);
    const url = new URL(start.headers.get('location')!, `http://${host}`);
    url.searchParams.set('digest', b.digest);
    const put = await fetch(url, { method: 'PUT', headers: { ...headers, 'content-type': 'application/octet-stream' }, body: new Uint8Array(b.bytes) });
    if (put.status !== 201) throw new Error(`blob upload: HTTP ${put.status} ${await put.text()}`);
  }
  const res = await fetch(`http://${host}/v2/${repo}/manifests/${tag}`, {
    method: 'PUT',
    headers: { ...headers, 'content-type': (JSON.parse(image.manifest.toString()) as { mediaType: string }).mediaType },
    body: new Uint8Array(image.manifest),
  });
  if (res.status !== 201) throw new Error(`manifest upload: HTTP ${res.status} ${await res.text()}`);
}

export type Fault =
  | { kind: 'status'; status: number; on: 'manifest' | 'blob' | 'token' }
  | { kind: 'corrupt'; digest: string }
  | { kind: 'truncate'; digest: string }
  | { kind: 'reset'; digest: string }
  /** Sends half the blob, then nothing more: a download that hangs until the client gives up or is killed. */
  | { kind: 'stall'; digest: string };

/**
 * A small registry that misbehaves on purpose (fault injection), serving
 * images from memory on 127.0.0.1. It speaks enough of the distribution API
 * for pulls, and optionally requires Bearer tokens from its own token
 * endpoint (the Docker Hub flow the CNCF registry's htpasswd mode lacks).
 */
export class FakeRegistry {
  host = '';
  faults: Fault[] = [];
  /** Requests per path, to prove what was (not) downloaded. */
  hits = new Map<string, number>();
  manifests = new Map<string, { bytes: Buffer; type: string }>();
  blobs = new Map<string, Buffer>();
  bearer?: { username: string; password: string; token: string };
  private server?: Server;

  add(repo: string, tag: string, image: FixtureImage): void {
    this.manifests.set(`${repo}:${tag}`, { bytes: image.manifest, type: 'application/vnd.docker.distribution.manifest.v2+json' });
    this.manifests.set(`${repo}:${image.manifestDigest}`, { bytes: image.manifest, type: 'application/vnd.docker.distribution.manifest.v2+json' });
    this.blobs.set(image.configDigest, image.config);
    for (const l of image.layers) this.blobs.set(l.digest, l.blob);
  }

  addIndex(repo: string, tag: string, index: { bytes: Buffer; digest: string }, images: FixtureImage[]): void {
    this.manifests.set(`${repo}:${tag}`, { bytes: index.bytes, type: 'application/vnd.oci.image.index.v1+json' });
    for (const im of images) this.add(repo, im.manifestDigest, im);
  }

  async start(): Promise<this> {
    this.server = createHttpServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.host = `127.0.0.1:${(this.server.address() as { port: number }).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }

  private fault<K extends Fault['kind']>(kind: K, pred: (f: Extract<Fault, { kind: K }>) => boolean): Extract<Fault, { kind: K }> | undefined {
    return this.faults.find((f) => f.kind === kind && pred(f as Extract<Fault, { kind: K }>)) as Extract<Fault, { kind: K }> | undefined;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', `http://${this.host}`);
    this.hits.set(url.pathname, (this.hits.get(url.pathname) ?? 0) + 1);
    if (url.pathname === '/token') {
      const st = this.fault('status', (f) => f.on === 'token');
      if (st) return void res.writeHead(st.status).end();
      const want = `Basic ${Buffer.from(`${this.bearer?.username}:${this.bearer?.password}`).toString('base64')}`;
      if (req.headers.authorization !== want) return void res.writeHead(401).end('{"errors":[{"code":"UNAUTHORIZED","message":"bad credentials"}]}');
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: this.bearer?.token }));
    }
    if (this.bearer && req.headers.authorization !== `Bearer ${this.bearer.token}`) {
      res.writeHead(401, { 'www-authenticate': `Bearer realm="http://${this.host}/token",service="fake",scope="repository:x:pull"`, 'content-type': 'application/json' });
      return void res.end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}');
    }
    const m = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/.exec(url.pathname);
    if (!m) return void res.writeHead(url.pathname === '/v2/' ? 200 : 404).end('{}');
    const [, repo, kind, ref] = m as unknown as [string, string, string, string];
    const st = this.fault('status', (f) => f.on === (kind === 'manifests' ? 'manifest' : 'blob'));
    if (st) return void res.writeHead(st.status, { 'content-type': 'application/json' }).end(`{"errors":[{"code":"FAULT","message":"injected ${st.status}"}]}`);
    if (kind === 'manifests') {
      const man = this.manifests.get(`${repo}:${ref}`);
      if (!man) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}');
      // A corrupt manifest is still JSON (a trailing space), under the digest of the true one: only hashing the body tells.
      const body = this.fault('corrupt', (f) => f.digest === sha(man.bytes)) ? Buffer.concat([man.bytes, Buffer.from(' ')]) : man.bytes;
      res.writeHead(200, { 'content-type': man.type, 'content-length': body.length, 'docker-content-digest': sha(man.bytes) });
      return void res.end(req.method === 'HEAD' ? undefined : body);
    }
    const blob = this.blobs.get(ref);
    if (!blob) return void res.writeHead(404).end('{"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown"}]}');
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': blob.length });
    if (req.method === 'HEAD') return void res.end();
    if (this.fault('corrupt', (f) => f.digest === ref)) {
      // Same length, different bytes: only the digest check can tell.
      const bad = Buffer.from(blob);
      bad[Math.floor(bad.length / 2)]! ^= 0xff;
      return void res.end(bad);
    }
    if (this.fault('truncate', (f) => f.digest === ref)) {
      res.write(blob.subarray(0, Math.floor(blob.length / 2)));
      return void res.socket?.end();
    }
    if (this.fault('stall', (f) => f.digest === ref)) {
      res.write(blob.subarray(0, Math.floor(blob.length / 2)));
      return;
    }
    if (this.fault('reset', (f) => f.digest === ref)) {
      res.write(blob.subarray(0, Math.floor(blob.length / 2)), () => setTimeout(() => res.socket?.resetAndDestroy(), 20));
      return;
    }
    res.end(blob);
  }
}
