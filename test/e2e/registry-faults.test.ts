// Pulls from a registry that misbehaves on purpose (a small real HTTP server on
// 127.0.0.1): every fault gives one clear line naming the image and the cause,
// exit 1, nothing half-written in the store, and a retry that works.
import { afterAll, beforeAll, beforeEach, expect, test } from 'bun:test';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROCKER, rocker, tempStore } from '../helpers/rocker.ts';
import { FakeRegistry, makeImage, makeIndex, type FixtureImage } from '../helpers/registry.ts';
import { tarBytes } from '../helpers/tar.ts';
import { eventually } from '../helpers/poll.ts';

let fake: FakeRegistry;
let img: FixtureImage;
let img2: FixtureImage;
let arm: FixtureImage;
const s = tempStore('rocker-faults-');
const { env, root } = s;
const arch = process.arch === 'x64' ? 'amd64' : process.arch;
const other = arch === 'amd64' ? 'arm64' : 'amd64';

const files = (rel: string) => (existsSync(join(root, rel)) ? readdirSync(join(root, rel)) : []);
/** What a failed pull may leave: nothing in layers/, images/, blobs/; no staging in tmp/. */
function expectNothingLeft(): void {
  expect(files('layers/sha256')).toEqual([]);
  expect(files('images')).toEqual([]);
  expect(files('blobs/sha256')).toEqual([]);
  expect(files('tmp').filter((n) => !n.startsWith('pin-'))).toEqual([]);
}

function expectOneLineError(r: { code: number; stderr: string }, ...parts: RegExp[]): void {
  expect(r.code).toBe(1);
  const lines = r.stderr.trim().split('\n');
  expect(lines.length).toBe(1);
  expect(lines[0]).toMatch(/^rocker: cannot pull 127\.0\.0\.1:\d+\/lib\/app:1: /);
  for (const p of parts) expect(lines[0]).toMatch(p);
}

beforeAll(async () => {
  const big = Buffer.alloc(300_000);
  for (let i = 0; i < big.length; i++) big[i] = (i * 7919) % 251; // poorly compressible enough to span many chunks
  // One tar for the shared layer (tarBytes stamps the current time into headers).
  const shared = tarBytes([{ name: 'bin/', type: 'dir' }, { name: 'bin/data', data: big.toString('latin1') }]);
  img = makeImage([shared, tarBytes([{ name: 'top.txt', data: 'top\n' }])]);
  img2 = makeImage([shared, tarBytes([{ name: 'other.txt', data: 'other\n' }])]);
  arm = makeImage([tarBytes([{ name: 'x', data: 'x' }])], { architecture: other });
  fake = await new FakeRegistry().start();
  fake.add('lib/app', '1', img);
  fake.add('lib/app', '2', img2);
  fake.add('lib/armonly', '1', arm);
  fake.addIndex('lib/multi', '1', makeIndex([{ image: arm, platform: { os: 'linux', architecture: other } }, { image: img, platform: { os: 'linux', architecture: arch } }]), [arm, img]);
  fake.addIndex('lib/noplat', '1', makeIndex([{ image: arm, platform: { os: 'linux', architecture: other } }]), [arm]);
});
afterAll(async () => {
  await fake.stop();
  s.cleanup();
});
beforeEach(() => {
  fake.faults = [];
  fake.bearer = undefined;
  fake.hits.clear();
  rocker(['image', 'prune', '-a'], env);
});

/** rocker, without blocking this process: the fake registry answers from this process's event loop. */
async function rockerAsync(args: string[], e: NodeJS.ProcessEnv = env): Promise<{ code: number; stdout: string; stderr: string }> {
  const p = Bun.spawn([ROCKER, ...args], { env: e, stdout: 'pipe', stderr: 'pipe' });
  const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  return { code, stdout, stderr };
}

const pull = (ref = `${fake.host}/lib/app:1`, ...more: string[]) => rockerAsync(['pull', ...more, ref]);

/**
 * With the faults gone, a retry of lib/app:1 works and downloads exactly the
 * layers the failed pull did not leave complete: each missing one once, the
 * others not at all ("Already exists").
 */
async function expectRetryFetchesOnlyMissing(): Promise<void> {
  const have = new Set(files('layers/sha256'));
  fake.faults = [];
  fake.hits.clear();
  const retry = await pull();
  expect(retry.stderr).toBe('');
  expect(retry.code).toBe(0);
  for (const layer of img.layers) {
    const present = have.has(layer.diffId.slice(7));
    expect(fake.hits.get(`/v2/lib/app/blobs/${layer.digest}`)).toBe(present ? undefined : 1);
    if (present) expect(retry.stdout).toContain(`${layer.digest.slice(7, 19)}: Already exists`);
  }
}

test.each([
  [401, /authentication required/],
  [403, /access denied/],
  [404, /not found/],
  [429, /too many requests/],
  [500, /registry failed with HTTP 500/],
  [503, /registry failed with HTTP 503/],
])('HTTP %d on the manifest: one line naming the cause', async (status, cause) => {
  fake.faults = [{ kind: 'status', status, on: 'manifest' }];
  expectOneLineError(await pull(), cause);
  expectNothingLeft();
});

test('HTTP 500 on a layer: nothing half-written, and a retry works', async () => {
  fake.faults = [{ kind: 'status', status: 500, on: 'blob' }];
  expectOneLineError(await pull(), /HTTP 500/);
  expectNothingLeft();
  await expectRetryFetchesOnlyMissing();
});

test('a blob whose digest does not match is refused before it is used', async () => {
  fake.faults = [{ kind: 'corrupt', digest: img.layers[1]!.digest }];
  expectOneLineError(await pull(), new RegExp(`layer ${img.layers[1]!.digest.slice(7, 19)}: blob digest mismatch \\(expected ${img.layers[1]!.digest}, got sha256:`));
  expect(files('images')).toEqual([]);
  // The intact layer may stay (complete, verified) for the retry to reuse; the corrupt one is nowhere.
  expect(files('layers/sha256')).not.toContain(img.layers[1]!.diffId.slice(7));
  await expectRetryFetchesOnlyMissing();
});

/** The whole error of a pull whose `what` digest did not match (the bytes served always hash to sha256:<hex>). */
const mismatch = (ref: string, what: string, expected: string) =>
  new RegExp(`^rocker: cannot pull ${ref.replaceAll('.', '\\.')}: ${what} digest mismatch \\(expected ${expected}, got sha256:[0-9a-f]{64}\\)\n$`);

test('a config blob whose digest does not match is refused; nothing is left', async () => {
  fake.faults = [{ kind: 'corrupt', digest: img.configDigest }];
  const r = await pull();
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(mismatch(`${fake.host}/lib/app:1`, 'image config', img.configDigest));
  expectNothingLeft();
  await expectRetryFetchesOnlyMissing();
});

test('a manifest whose digest does not match is refused, by tag, by digest and through an index', async () => {
  fake.faults = [{ kind: 'corrupt', digest: img.manifestDigest }];
  for (const ref of [`${fake.host}/lib/app:1`, `${fake.host}/lib/app@${img.manifestDigest}`, `${fake.host}/lib/multi:1`]) {
    const r = await pull(ref);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(mismatch(ref, 'manifest', img.manifestDigest));
    expectNothingLeft();
  }
});

test('a truncated download is refused and the retry reuses the complete layers', async () => {
  fake.faults = [{ kind: 'truncate', digest: img.layers[0]!.digest }];
  expectOneLineError(await pull(), new RegExp(`layer ${img.layers[0]!.digest.slice(7, 19)}`), /: (the download is truncated \(\d+ of \d+ bytes\)|download failed after \d+ of \d+ bytes: .+)$/);
  expect(files('layers/sha256')).not.toContain(img.layers[0]!.diffId.slice(7));
  expect(files('images')).toEqual([]);
  await expectRetryFetchesOnlyMissing();
});

test('a connection reset mid-layer is refused cleanly', async () => {
  fake.faults = [{ kind: 'reset', digest: img.layers[0]!.digest }];
  expectOneLineError(await pull(), new RegExp(`layer ${img.layers[0]!.digest.slice(7, 19)}: download failed after \\d+ of ${img.layers[0]!.blob.length} bytes: `));
  expect(files('layers/sha256')).not.toContain(img.layers[0]!.diffId.slice(7));
  expect(files('images')).toEqual([]);
  await expectRetryFetchesOnlyMissing();
});

test('a pull killed mid-layer leaves no partial layer visible; the retry reuses the complete layer', async () => {
  fake.faults = [{ kind: 'stall', digest: img.layers[0]!.digest }];
  const p = Bun.spawn([ROCKER, 'pull', `${fake.host}/lib/app:1`], { env, stdout: 'ignore', stderr: 'ignore' });
  // Wait until the small layer is in place and the big one is half-way, then kill -9.
  const small = join(root, 'layers', 'sha256', img.layers[1]!.diffId.slice(7));
  await eventually(() => existsSync(small) && !!fake.hits.get(`/v2/lib/app/blobs/${img.layers[0]!.digest}`), 'one layer in place and the other under way');
  p.kill('SIGKILL');
  await p.exited;
  expect(files('layers/sha256')).toEqual([img.layers[1]!.diffId.slice(7)]);
  expect(files('images')).toEqual([]);
  fake.faults = [];
  fake.hits.clear();
  const retry = await pull();
  expect(retry.stderr).toBe('');
  expect(retry.stdout).toContain(`${img.layers[1]!.digest.slice(7, 19)}: Already exists`);
  expect(fake.hits.get(`/v2/lib/app/blobs/${img.layers[1]!.digest}`)).toBeUndefined();
  // The killed holder's layer lock was taken over, not waited out.
  expect(files('locks').filter((n) => n.startsWith('layer-'))).toEqual([]);
  // The killed process's staging is cleared by the next one that stages.
  expect(files('tmp').filter((n) => !n.startsWith('pin-'))).toEqual([]);
});

test('a download that stalls is abandoned after ROCKER_PULL_IDLE_TIMEOUT seconds, cleanly', async () => {
  fake.faults = [{ kind: 'stall', digest: img.layers[0]!.digest }];
  const r = await rockerAsync(['pull', `${fake.host}/lib/app:1`], { ...env, ROCKER_PULL_IDLE_TIMEOUT: '1' });
  expectOneLineError(r, new RegExp(`layer ${img.layers[0]!.digest.slice(7, 19)}: download failed after \\d+ of \\d+ bytes: no data for 1 s$`));
  expect(files('layers/sha256')).not.toContain(img.layers[0]!.diffId.slice(7));
  expect(files('images')).toEqual([]);
});

test('on a terminal the progress is drawn in place, with a bar per layer', async () => {
  const p = Bun.spawn(['script', '-qec', `${ROCKER} pull ${fake.host}/lib/app:1`, '/dev/null'], { env: { ...env, COLUMNS: '120' }, stdout: 'pipe', stdin: 'ignore' });
  const [out, code] = await Promise.all([new Response(p.stdout).text(), p.exited]);
  expect(code).toBe(0);
  expect(out).toContain('\x1b[2K');
  expect(out).toMatch(/Pull complete/);
  expect(out).toMatch(/Downloading\s+\[=*>? *\] \d/);
});

test('a single-platform image for another architecture is refused unless asked for', async () => {
  const r = await rockerAsync(['pull', `${fake.host}/lib/armonly:1`], env);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(new RegExp(`^rocker: cannot pull ${fake.host.replace(/\./g, '\\.')}/lib/armonly:1: the image is for linux/${other} only, not linux/${arch}`));
  expectNothingLeft();
  expect((await rockerAsync(['pull', '--platform', `linux/${other}`, `${fake.host}/lib/armonly:1`], env)).code).toBe(0);
});

test('a multi-platform index: this machine\'s entry, or a clear error when it has none', async () => {
  const r = await rockerAsync(['pull', `${fake.host}/lib/multi:1`], env);
  expect(r.stderr).toBe('');
  const rec = JSON.parse(rocker(['inspect', `${fake.host}/lib/multi:1`], env).stdout);
  expect(JSON.stringify(rec)).toContain(img.configDigest);
  const none = await rockerAsync(['pull', `${fake.host}/lib/noplat:1`], env);
  expect(none.code).toBe(1);
  expect(none.stderr).toMatch(new RegExp(`no image for linux/${arch} \\(available: linux/${other}\\)`));
});

test('Bearer token authentication: refused without credentials, works with a Docker config file', async () => {
  fake.bearer = { username: 'alice', password: 's3cret', token: 'tok-123' };
  const anon = await pull();
  expectOneLineError(anon, /token request failed|authentication required/);
  const dockerConfig = join(root, '..', 'dockercfg');
  await Bun.write(join(dockerConfig, 'config.json'), JSON.stringify({ auths: { [fake.host]: { auth: Buffer.from('alice:s3cret').toString('base64') } } }));
  const r = await rockerAsync(['pull', `${fake.host}/lib/app:1`], { ...env, DOCKER_CONFIG: dockerConfig });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  // A malformed Docker config file is named in the error.
  await Bun.write(join(dockerConfig, 'config.json'), '{"auths": {"x": {"auth": 5}}}');
  const bad = await rockerAsync(['pull', `${fake.host}/lib/app:1`], { ...env, DOCKER_CONFIG: dockerConfig });
  expect(bad.code).toBe(1);
  expect(bad.stderr).toMatch(/cannot read .*dockercfg\/config\.json: auths\.x\.auth/);
});

test('a hostile layer (a member climbing out with ../) is refused like import refuses it', async () => {
  const hostile = makeImage([tarBytes([{ name: '../../escape', data: 'x' }])]);
  fake.add('lib/hostile', '1', hostile);
  const r = await rockerAsync(['pull', `${fake.host}/lib/hostile:1`], env);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/^rocker: cannot pull .*lib\/hostile:1: layer [0-9a-f]{12}: member "\.\.\/\.\.\/escape" points outside/);
  expectNothingLeft();
  expect(existsSync(join(root, '..', 'escape'))).toBe(false);
});

test.each([
  ['a symlink, then a file through it', [{ name: 'evil', type: 'symlink' as const, linkname: '/' }, { name: 'evil/tmp/pwned', data: 'x' }], /member "evil\/tmp\/pwned" goes through the symlink "evil"/],
  ['a hard link to a file outside', [{ name: 'hl', type: 'hardlink' as const, linkname: '../../../etc/passwd' }], /hard link "hl" points outside/],
])('a hostile layer with %s is refused', async (_what, members, cause) => {
  const hostile = makeImage([tarBytes(members)]);
  fake.add('lib/hostile2', '1', hostile);
  const r = await rockerAsync(['pull', `${fake.host}/lib/hostile2:1`]);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(cause);
  expectNothingLeft();
});

test('concurrent pulls of images sharing a layer download it once', async () => {
  const results = await Promise.all(['1', '2', '1'].map((tag) => rockerAsync(['pull', `${fake.host}/lib/app:${tag}`])));
  expect(results.map((r) => r.stderr)).toEqual(['', '', '']);
  expect(fake.hits.get(`/v2/lib/app/blobs/${img.layers[0]!.digest}`)).toBe(1);
  expect(files('layers/sha256').length).toBe(3);
  expect(existsSync(join(root, 'layers', 'sha256', img.layers[0]!.diffId.slice(7), 'diff', 'bin', 'data'))).toBe(true);
});
