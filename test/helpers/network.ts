// What the network tests need around rocker: the host's own address, a
// server on the host for containers to reach, and a free port.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** The host's address on its default route (what another machine would connect to). */
export function hostAddress(): string {
  const out = spawnSync('ip', ['-4', 'route', 'get', '1.1.1.1'], { encoding: 'utf8' }).stdout;
  const m = /\bsrc (\d+\.\d+\.\d+\.\d+)/.exec(out);
  if (!m) throw new Error(`no default route with a source address: ${out}`);
  return m[1]!;
}

/** A port the kernel says is free now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '0.0.0.0', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** busybox httpd on the host serving one file, `/id`, with `text`; stop() kills it. */
export async function hostServer(dir: string, text: string, host = '0.0.0.0'): Promise<{ port: number; stop: () => void }> {
  const www = join(dir, `www-${text}`);
  mkdirSync(www, { recursive: true });
  writeFileSync(join(www, 'id'), text);
  const port = await freePort();
  const child: ChildProcess = spawn('/bin/busybox', ['httpd', '-f', '-p', `${host}:${port}`, '-h', www], { stdio: 'ignore' });
  for (let i = 0; i < 100 && !(await answers(host === '0.0.0.0' ? '127.0.0.1' : host, port)); i++) await new Promise((r) => setTimeout(r, 20));
  return { port, stop: () => child.kill('SIGKILL') };
}

async function answers(host: string, port: number): Promise<boolean> {
  try {
    await fetch(`http://${host}:${port}/`, { signal: AbortSignal.timeout(500) });
    return true;
  } catch {
    return false;
  }
}

/** GET over HTTP from the test process; the body, or "" when nothing answers. */
export async function httpGet(url: string): Promise<string> {
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(5000) });
    return await r.text();
  } catch {
    return '';
  }
}

/**
 * A stand-in for the outside world: a network namespace joined to the host
 * by a veth pair on 198.51.100.0/24 (TEST-NET-2), with no route back to any
 * container subnet, serving `/cgi-bin/peer`, which answers the address the
 * request came from. A container reaches it only through the host's NAT, and
 * then the peer is the host's end of the pair. stop() removes it all.
 */
export async function outsideWorld(dir: string): Promise<{ url: string; hostEnd: string; stop: () => void }> {
  const tag = `${process.pid % 100000}`;
  const ns = `rocker-outside-${tag}`;
  const [hostIf, nsIf, hostEnd, nsEnd] = [`rkout${tag}`, `rkin${tag}`, '198.51.100.1', '198.51.100.2'];
  const www = join(dir, 'outside-www');
  mkdirSync(join(www, 'cgi-bin'), { recursive: true });
  writeFileSync(join(www, 'cgi-bin', 'peer'), '#!/bin/sh\nprintf "Content-Type: text/plain\\r\\n\\r\\n%s\\n" "$REMOTE_ADDR"\n', { mode: 0o755 });
  const sh = (script: string) => {
    const r = spawnSync('sh', ['-ec', script], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`outside world: ${r.stderr}`);
  };
  sh(`ip netns add ${ns}
ip link add ${hostIf} type veth peer name ${nsIf} netns ${ns}
ip addr add ${hostEnd}/24 dev ${hostIf}; ip link set ${hostIf} up
ip -n ${ns} addr add ${nsEnd}/24 dev ${nsIf}; ip -n ${ns} link set ${nsIf} up; ip -n ${ns} link set lo up`);
  const child = spawn('ip', ['netns', 'exec', ns, '/bin/busybox', 'httpd', '-f', '-p', `${nsEnd}:80`, '-h', www], { stdio: 'ignore' });
  const stop = () => {
    child.kill('SIGKILL');
    spawnSync('ip', ['netns', 'del', ns]);
    spawnSync('ip', ['link', 'del', hostIf], { stdio: 'ignore' });
  };
  const url = `http://${nsEnd}/cgi-bin/peer`;
  for (let i = 0; i < 100 && (await httpGet(url)) === ''; i++) await new Promise((r) => setTimeout(r, 20));
  return { url, hostEnd, stop };
}
