// kill -9 in the middle of commit, save, load and push: nothing is half-visible
// (no image, no archive under its name, no tag in the registry) and a retry works.
// Each kill lands at a stage recognised by what the process has made, not after a delay.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { containerSuite } from '../helpers/container-suite.ts';
import { eventually } from '../helpers/poll.ts';
import { startRegistry, type TestRegistry } from '../helpers/registry.ts';
import { ROCKER, rocker } from '../helpers/rocker.ts';
import { writeTar } from '../helpers/tar.ts';

const { env, root, dir } = containerSuite();
let reg: TestRegistry;
const archive = join(dir, 'big.tar');

beforeAll(async () => {
  // Big and incompressible, so that saving, loading and pushing it take a while.
  writeTar(join(dir, 'big-layer.tar'), [{ name: 'data.bin', data: randomBytes(24 << 20).toString('latin1') }]);
  expect(rocker(['import', join(dir, 'big-layer.tar'), 'big'], env).code).toBe(0);
  expect(rocker(['save', '-o', archive, 'big'], env).code).toBe(0);
  reg = await startRegistry();
});
afterAll(async () => {
  await reg.stop();
});

/** Starts rocker, waits for `stage` (given its pid), kills it with SIGKILL and waits for it to be gone. */
async function killAt(args: string[], stage: (pid: number) => boolean, what: string, input?: Buffer): Promise<void> {
  const child = spawn(ROCKER, args, { env, stdio: [input ? 'pipe' : 'ignore', 'ignore', 'ignore'] });
  const closed = new Promise<number | null>((r) => child.on('close', r));
  let exited = false;
  void closed.then(() => (exited = true));
  if (input) await new Promise((r) => child.stdin!.write(input, r));
  await eventually(() => exited || stage(child.pid!), what);
  expect(exited).toBe(false); // it must still be at work when killed, or the test proves nothing
  child.kill('SIGKILL');
  // A tar that rocker gave our pipe as its input would wait on it forever.
  child.stdin?.end();
  await closed;
}

/** Whether process `pid` has a layer staging in tmp/ (`layer-PID-…`, `load-PID-…`). */
const staging = (pid: number) => existsSync(join(root, 'tmp')) && readdirSync(join(root, 'tmp')).some((f) => f.includes(`-${pid}-`) && !f.startsWith('pin-'));
const images = () => rocker(['images', '--format', 'json'], env).stdout;

test('commit killed while it archives the container: no image; the retry commits', async () => {
  expect(rocker(['run', '--name', 'src', 'busybox', 'sh', '-c', 'head -c 30000000 /dev/urandom > /random.bin'], env).code).toBe(0);
  await killAt(['commit', 'src', 'snap'], staging, 'the commit to stage its layer');
  expect(JSON.parse(images()).map((i: { name: string }) => i.name)).not.toContain('snap');
  expect(rocker(['commit', 'src', 'snap'], env).code).toBe(0);
  expect(rocker(['run', '--rm', 'snap', 'sh', '-c', 'wc -c < /random.bin'], env).stdout).toBe('30000000\n');
  expect(rocker(['rm', 'src'], env).code).toBe(0);
  expect(rocker(['rmi', 'snap'], env).code).toBe(0);
});

test('save -o killed mid-archive: no file under the name; the retry writes the whole archive', async () => {
  const out = join(dir, 'saved.tar');
  await killAt(['save', '-o', out, 'big'], (pid) => existsSync(`${out}.rocker-${pid}.tmp`) && statSync(`${out}.rocker-${pid}.tmp`).size > 0, 'the archive to be half-written');
  expect(existsSync(out)).toBe(false);
  expect(rocker(['save', '-o', out, 'big'], env).code).toBe(0);
  // Whole: the same members as a save that was never interrupted.
  const listing = (f: string) => spawnSync('tar', ['-tf', f], { encoding: 'utf8' });
  expect(listing(out)).toMatchObject({ status: 0, stdout: listing(archive).stdout });
});

test('load killed mid-archive: no image; the retry loads', async () => {
  expect(rocker(['rmi', 'big'], env).code).toBe(0);
  const whole = readFileSync(archive);
  // Half the archive and stdin left open: once its layer is staging, the load is mid-way.
  await killAt(['load'], staging, 'the load to stage a layer', whole.subarray(0, whole.length / 2));
  expect(JSON.parse(images()).map((i: { name: string }) => i.name)).not.toContain('big');
  expect(rocker(['load', '-i', archive], env)).toMatchObject({ code: 0, stderr: '' });
  expect(JSON.parse(images()).map((i: { name: string }) => i.name)).toContain('big');
});

test('push killed mid-upload: the tag is not in the registry; the retry pushes', async () => {
  const ref = `${reg.host}/kill/big:1`;
  expect(rocker(['tag', 'big', ref], env).code).toBe(0);
  const uploads = join(reg.dir, 'data', 'docker', 'registry', 'v2', 'repositories', 'kill', 'big', '_uploads');
  const uploading = () => existsSync(uploads) && readdirSync(uploads).some((u) => existsSync(join(uploads, u, 'data')) && statSync(join(uploads, u, 'data')).size > 0);
  await killAt(['push', '-q', ref], uploading, 'the upload to be under way');
  const manifest = () => fetch(`http://${reg.host}/v2/kill/big/manifests/1`, { headers: { accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json' } });
  expect((await manifest()).status).toBe(404);
  const retry = rocker(['push', '-q', ref], env);
  expect(retry).toMatchObject({ code: 0, stderr: '' });
  expect((await manifest()).status).toBe(200);
  expect(rocker(['rmi', ref], env).code).toBe(0);
});
