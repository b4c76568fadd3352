// Host ports for -p: checked free on the host, and claimed by a file per
// port so that two rocker containers never publish the same one (portmap
// only writes DNAT rules; nothing on the host holds the port).
import { createSocket } from 'node:dgram';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { UserError, errnoCode } from '../../common/errors.ts';
import { dirEntries } from '../../common/dir.ts';
import type { StorePaths } from '../paths.ts';
import type { PortSpec } from './flags.ts';
import { attachmentFile, networkPaths } from './paths.ts';

/** Binds the port for a moment: fails when anything on the host holds it. Port 0 asks the kernel for a free one. */
function probe(p: PortSpec): Promise<number> {
  const host = p.hostIp || '0.0.0.0';
  return new Promise((resolve, reject) => {
    if (p.protocol === 'udp') {
      const s = createSocket('udp4');
      s.once('error', reject);
      s.bind(p.hostPort, host, () => {
        const port = s.address().port;
        s.close(() => resolve(port));
      });
      return;
    }
    const s = createServer();
    s.once('error', reject);
    s.listen({ port: p.hostPort, host, exclusive: true }, () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function claimFile(paths: StorePaths, protocol: string, port: number): string {
  return join(networkPaths(paths).ports, `${protocol}-${port}`);
}

/**
 * Claims `port` for container `id`. A claim whose container has no
 * attachment (rocker killed) is taken over once it is no longer fresh: a
 * fresh one may belong to a rocker about to record its attachment.
 */
function claim(paths: StorePaths, id: string, protocol: string, port: number): boolean {
  const file = claimFile(paths, protocol, port);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, id, { flag: 'wx' });
      return true;
    } catch (err) {
      if (errnoCode(err) !== 'EEXIST') throw err;
    }
    let owner = '';
    try {
      owner = readFileSync(file, 'utf8');
    } catch {
      // released meanwhile
    }
    if (owner === id) return true;
    if (owner && (existsSync(attachmentFile(paths, owner)) || claimIsFresh(file))) return false;
    rmSync(file, { force: true });
  }
  return false;
}

/** Resolves random host ports and claims every port; on failure releases what it claimed. */
export async function claimPorts(paths: StorePaths, id: string, specs: PortSpec[]): Promise<PortSpec[]> {
  mkdirSync(networkPaths(paths).ports, { recursive: true });
  const out: PortSpec[] = [];
  try {
    for (const spec of specs) {
      const what = `${spec.hostIp ? `${spec.hostIp}:` : ''}${spec.hostPort}/${spec.protocol}`;
      for (let attempt = 0; ; attempt++) {
        let port: number;
        try {
          port = await probe(spec);
        } catch (err) {
          throw new UserError(`cannot publish port ${what}: ${errnoCode(err) === 'EADDRINUSE' ? 'the port is already in use on the host' : (err as Error).message}`, 125);
        }
        if (claim(paths, id, spec.protocol, port)) {
          out.push({ ...spec, hostPort: port });
          break;
        }
        if (spec.hostPort !== 0 || attempt >= 20) throw new UserError(`cannot publish port ${what}: another rocker container publishes it`, 125);
      }
    }
    return out;
  } catch (err) {
    releasePorts(paths, id);
    throw err;
  }
}

/** Claims whose container has no attachment: a rocker killed between claiming its ports and recording the attachment. */
export function collectStaleClaims(paths: StorePaths): void {
  const dir = networkPaths(paths).ports;
  for (const f of dirEntries(dir)) {
    try {
      const owner = readFileSync(join(dir, f), 'utf8');
      if (!existsSync(attachmentFile(paths, owner)) && !claimIsFresh(join(dir, f))) rmSync(join(dir, f), { force: true });
    } catch {
      // released meanwhile
    }
  }
}

/** A claim younger than a few seconds may belong to a rocker that is about to record its attachment. */
function claimIsFresh(file: string): boolean {
  try {
    return Date.now() - statSync(file).mtimeMs < 10_000;
  } catch {
    return false;
  }
}

/** Frees every port `id` claims, found by the claims themselves: a rocker killed while claiming never recorded them all. */
export function releasePorts(paths: StorePaths, id: string): void {
  const dir = networkPaths(paths).ports;
  for (const f of dirEntries(dir)) {
    try {
      if (readFileSync(join(dir, f), 'utf8') === id) rmSync(join(dir, f), { force: true });
    } catch {
      // released meanwhile
    }
  }
}
