// Network commands' engine side: remove, prune, inspect in Docker's shape.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../common/errors.ts';
import type { StorePaths } from '../paths.ts';
import { listAttachments } from './attachment.ts';
import { collectStale } from './attach.ts';
import { listNetworks, removeNetworkDefinition, resolveNetwork, type Network } from './config.ts';
import { ipamDirOf, removeBridge, removeIsolationRules, removeSharedChainsIfUnused } from './cleanup.ts';
import { networkPaths } from './paths.ts';
import { removeNetworkRules } from './rules.ts';

/**
 * Removes a network with everything CNI left on the host. Unlike Docker,
 * the default `bridge` network may be removed too (when no container uses
 * it): it is defined again on first use, and this is how its bridge and
 * rules leave the host.
 */
export async function removeNetwork(paths: StorePaths, text: string): Promise<Network> {
  await collectStale(paths);
  const net = resolveNetwork(paths, text);
  const users = listAttachments(paths).filter((a) => a.networkId === net.id);
  if (users.length) throw new UserError(`network ${net.name} has active containers: ${users.map((a) => a.name).sort().join(', ')}`);
  removeNetworkRules(net.bridge);
  removeIsolationRules(net.bridge);
  removeBridge(net.bridge, ipamDirOf(networkPaths(paths).ipam, net.name));
  removeNetworkDefinition(paths, net);
  rmSync(join(networkPaths(paths).ready, net.id), { force: true });
  removeSharedChainsIfUnused();
  return net;
}

/** Removes every network no container uses; returns their names. */
export async function pruneNetworks(paths: StorePaths): Promise<string[]> {
  await collectStale(paths);
  const used = new Set(listAttachments(paths).map((a) => a.networkId));
  const removed: string[] = [];
  for (const n of listNetworks(paths)) {
    if (used.has(n.id)) continue;
    await removeNetwork(paths, n.name);
    removed.push(n.name);
  }
  return removed;
}

/** Docker's `network inspect` fields that apply. */
export function describeNetwork(paths: StorePaths, net: Network): object {
  const containers: Record<string, object> = {};
  for (const a of listAttachments(paths).filter((x) => x.networkId === net.id)) {
    containers[a.id] = { Name: a.name, MacAddress: a.mac ?? '', IPv4Address: a.ip ? `${a.ip}/${a.prefix}` : '', IPv6Address: '' };
  }
  return {
    Name: net.name,
    Id: net.id,
    Created: net.created,
    Scope: 'local',
    Driver: net.driver,
    EnableIPv6: false,
    IPAM: { Driver: 'host-local', Config: [{ Subnet: net.subnet, Gateway: net.gateway }] },
    Internal: !!net.internal,
    Containers: containers,
    Options: { 'com.docker.network.bridge.name': net.bridge },
  };
}
