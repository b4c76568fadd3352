// Network definitions: `<root>/networks/<name>.json`, validated when read.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as v from 'valibot';
import { UserError, errnoCode } from '../../common/errors.ts';
import { writeJsonAtomic } from '../../common/fs-atomic.ts';
import { withLock } from '../../common/lock.ts';
import { randomHex } from '../../common/random.ts';
import { check, object } from '../../common/schema.ts';
import type { StorePaths } from '../paths.ts';
import { isIPv4, NETWORK_NAME } from './flags.ts';
import { networkPaths } from './paths.ts';
import { cidrContains, overlaps, parseCidr, ipToText, hostRoutes } from './subnet.ts';

export const NetworkSchema = object({
  name: v.pipe(v.string(), v.regex(NETWORK_NAME)),
  id: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)),
  driver: v.literal('bridge'),
  subnet: v.string(),
  gateway: v.string(),
  /** The Linux bridge the CNI bridge plugin creates on first use. */
  bridge: v.string(),
  created: v.string(),
  /** No route out of the network, and the host has no address on it. */
  internal: v.optional(v.boolean()),
});
export type Network = v.InferOutput<typeof NetworkSchema>;

export const DEFAULT_NETWORK = 'bridge';
/** Podman's CNI default is 10.88.0.0/16 and Docker's 172.17.0.0/16: rocker's pools keep clear of both. */
const DEFAULT_POOL = { first: '10.77.0.0', prefix: 16, count: 8 };
const USER_POOL = { first: '10.90.0.0', prefix: 24, count: 2048 };

function configFile(paths: StorePaths, name: string): string {
  return join(networkPaths(paths).configs, `${name}.json`);
}

export function listNetworks(paths: StorePaths): Network[] {
  const dir = networkPaths(paths).configs;
  let names: string[];
  try {
    names = readdirSync(dir).filter((f) => f.endsWith('.json'));
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return [];
    throw err;
  }
  const out: Network[] = [];
  for (const f of names) {
    try {
      out.push(check(NetworkSchema, JSON.parse(readFileSync(join(dir, f), 'utf8'))));
    } catch {
      // a damaged definition is skipped here and named by findNetwork
    }
  }
  return out.sort((a, b) => a.created.localeCompare(b.created));
}

/** A network by name or id prefix. */
export function findNetwork(paths: StorePaths, text: string): Network | undefined {
  const file = configFile(paths, text);
  if (NETWORK_NAME.test(text) && existsSync(file)) {
    try {
      return check(NetworkSchema, JSON.parse(readFileSync(file, 'utf8')));
    } catch (err) {
      throw new UserError(`network ${text} has a damaged definition ${file}: ${(err as Error).message}`);
    }
  }
  if (!/^[0-9a-f]{3,64}$/.test(text)) return undefined;
  const matches = listNetworks(paths).filter((n) => n.id.startsWith(text));
  if (matches.length > 1) throw new UserError(`network id prefix "${text}" is ambiguous`);
  return matches[0];
}

export function resolveNetwork(paths: StorePaths, text: string): Network {
  const n = findNetwork(paths, text);
  if (!n) throw new UserError(`no such network: ${text}`, 125);
  return n;
}

function linkExists(name: string): boolean {
  return existsSync(`/sys/class/net/${name}`);
}

/** The first subnet of a pool that clashes with no route on the host and no other network of this store. */
function pickSubnet(taken: string[], pool: { first: string; prefix: number; count: number }): string {
  const base = parseCidr(`${pool.first}/${pool.prefix}`).network;
  const step = 2 ** (32 - pool.prefix);
  for (let i = 0; i < pool.count; i++) {
    const cidr = `${ipToText(base + i * step)}/${pool.prefix}`;
    if (!taken.some((t) => overlaps(t, cidr))) return cidr;
  }
  throw new UserError(`no free subnet left in ${pool.first}/${pool.prefix - Math.log2(pool.count)}: choose one with --subnet`);
}

export interface CreateNetworkRequest {
  name: string;
  subnet?: string;
  gateway?: string;
  internal?: boolean;
}

/**
 * Writes a network definition. Nothing is created on the host yet: the
 * bridge plugin makes the bridge when the first container joins. Checked
 * under a lock so two creations cannot pick one subnet or name.
 */
export async function createNetwork(paths: StorePaths, req: CreateNetworkRequest): Promise<Network> {
  if (!NETWORK_NAME.test(req.name) || req.name === 'none' || req.name === 'host' || req.name === 'pod') {
    throw new UserError(`invalid network name "${req.name}": use letters, digits, "_", "." and "-"; none, host and pod are reserved`);
  }
  const np = networkPaths(paths);
  return withLock(join(np.locks, 'networks'), () => {
    if (existsSync(configFile(paths, req.name))) throw new UserError(`network with name ${req.name} already exists`);
    const others = listNetworks(paths);
    const ownBridges = new Set(others.map((n) => n.bridge));
    // Routes through another store's or another engine's bridge count; our own networks are compared by subnet.
    const routes = hostRoutes().filter((r) => !ownBridges.has(r.dev)).map((r) => r.cidr);
    let subnet: string;
    if (req.subnet !== undefined) {
      const c = parseCidrOrFail(req.subnet);
      if (c.prefix > 30) throw new UserError(`invalid --subnet ${req.subnet}: it must hold at least two addresses (a prefix of /30 or shorter)`);
      subnet = `${ipToText(c.network)}/${c.prefix}`;
      const clash = [...others.map((n) => `${n.subnet} (network ${n.name})`), ...routes.map((r) => `${r} (a route on the host)`)].find((t) => overlaps(t.split(' ')[0]!, subnet));
      if (clash) throw new UserError(`subnet ${subnet} overlaps ${clash}`);
    } else {
      subnet = pickSubnet([...others.map((n) => n.subnet), ...routes], req.name === DEFAULT_NETWORK ? DEFAULT_POOL : USER_POOL);
    }
    const c = parseCidr(subnet);
    const gateway = req.gateway ?? ipToText(c.network + 1);
    if (!isIPv4(gateway) || !cidrContains(subnet, gateway) || gateway === ipToText(c.network)) {
      throw new UserError(`invalid --gateway ${gateway}: it must be an address inside ${subnet}`);
    }
    const id = randomHex(32);
    // Docker's names: docker0 for the default network, br-<id> for the others.
    let bridge = `br-${id.slice(0, 12)}`;
    if (req.name === DEFAULT_NETWORK) {
      bridge = ['rocker0', 'rocker1', 'rocker2', 'rocker3'].find((b) => !linkExists(b) && !ownBridges.has(b)) ?? bridge;
    }
    const net: Network = { name: req.name, id, driver: 'bridge', subnet, gateway, bridge, created: new Date().toISOString(), ...(req.internal ? { internal: true } : {}) };
    mkdirSync(np.configs, { recursive: true });
    writeJsonAtomic(configFile(paths, req.name), net);
    return net;
  });
}

function parseCidrOrFail(text: string) {
  try {
    return parseCidr(text);
  } catch {
    throw new UserError(`invalid --subnet "${text}": expected an IPv4 subnet such as 10.90.5.0/24`);
  }
}

/** The network a container asks for; the default `bridge` is defined on first use. */
export async function networkForRun(paths: StorePaths, name: string): Promise<Network> {
  const n = findNetwork(paths, name);
  if (n) return n;
  if (name !== DEFAULT_NETWORK) throw new UserError(`network ${name} not found: create it with 'rocker network create ${name}'`, 125);
  try {
    return await createNetwork(paths, { name });
  } catch (err) {
    // Another rocker defined it at the same moment.
    const again = findNetwork(paths, name);
    if (again) return again;
    throw err;
  }
}

export function removeNetworkDefinition(paths: StorePaths, net: Network): void {
  rmSync(configFile(paths, net.name), { force: true });
}
