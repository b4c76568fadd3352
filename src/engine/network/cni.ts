// The CNI protocol, as libcni drives it: each plugin of a chain is run with
// CNI_* variables and its configuration on stdin; ADD passes each result on
// as the next plugin's prevResult, DEL runs the chain in reverse. CHECK is
// never used: it fails on the Debian plugins 1.1.1 (ipv6 dnat chain).
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import * as v from 'valibot';
import { UserError } from '../../common/errors.ts';
import { looseObject } from '../../common/schema.ts';
import type { Network } from './config.ts';
import type { PortSpec } from './flags.ts';

export const CNI_VERSION = '1.0.0';
const DEFAULT_DIRS = ['/usr/lib/cni', '/usr/libexec/cni', '/opt/cni/bin'];

/**
 * A plugin must not outlive a rocker killed mid-ADD: it would finish the
 * setup after the cleanup that a later command runs for the killed one.
 * util-linux's setpriv gives it a parent-death signal.
 */
export const DIE_WITH_ROCKER = ['setpriv', '--pdeathsig', 'KILL', '--'];

export type PluginConf = Record<string, unknown> & { type: string };

const resultSchema = looseObject({
  ips: v.optional(v.array(looseObject({ address: v.string(), gateway: v.optional(v.string()) }))),
  interfaces: v.optional(v.array(looseObject({ name: v.string(), mac: v.optional(v.string()), sandbox: v.optional(v.string()) }))),
});
export type CniResult = v.InferOutput<typeof resultSchema>;

function pluginDirs(): string[] {
  return process.env.CNI_PATH ? process.env.CNI_PATH.split(':').filter(Boolean) : DEFAULT_DIRS;
}

function findPlugin(type: string): string {
  for (const d of pluginDirs()) {
    const p = join(d, type);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // next
    }
  }
  throw new UserError(`CNI plugin "${type}" not found in ${pluginDirs().join(':')}: install containernetworking-plugins (or set CNI_PATH)`, 125);
}

/**
 * One network's plugin chain: bridge with host-local addresses, and portmap
 * only when ports are published (it costs a process and several iptables
 * calls). NAT, forwarding and isolation between networks are the network's
 * own rules (rules.ts), written once on its first use: the bridge plugin's
 * per-container ipMasq chain and the firewall plugin cost about 100 ms of
 * every start and stop. An internal network's bridge is no gateway: no
 * address on the host, no route out.
 */
export function pluginChain(net: Network, ipamDir: string, withPorts: boolean): PluginConf[] {
  const outside = !net.internal;
  const chain: PluginConf[] = [
    {
      type: 'bridge',
      bridge: net.bridge,
      isGateway: outside,
      ipMasq: false,
      hairpinMode: true,
      // host-local reads a requested address (--ip) from the runtime configuration.
      capabilities: { ips: true },
      ipam: { type: 'host-local', dataDir: ipamDir, ranges: [[{ subnet: net.subnet, gateway: net.gateway }]], routes: outside ? [{ dst: '0.0.0.0/0' }] : [] },
    },
  ];
  if (withPorts) chain.push({ type: 'portmap', capabilities: { portMappings: true }, snat: true });
  return chain;
}

export interface Invocation {
  network: string;
  containerId: string;
  netns: string;
  ifname: string;
  ports: PortSpec[];
  /** A requested address ("10.90.0.5/24"), for host-local. */
  ips?: string[];
}

/** The configuration one plugin gets: the list's name and version, capabilities' runtime values, the previous result. */
function pluginInput(conf: PluginConf, inv: Invocation, prevResult: unknown): string {
  const input: Record<string, unknown> = { ...conf, cniVersion: CNI_VERSION, name: inv.network };
  const caps = (conf.capabilities ?? {}) as Record<string, boolean>;
  const runtimeConfig: Record<string, unknown> = {};
  if (caps.portMappings) runtimeConfig.portMappings = inv.ports.map((p) => ({ hostPort: p.hostPort, containerPort: p.containerPort, protocol: p.protocol, hostIP: p.hostIp }));
  if (caps.ips && inv.ips?.length) runtimeConfig.ips = inv.ips;
  if (Object.keys(runtimeConfig).length) input.runtimeConfig = runtimeConfig;
  if (prevResult !== undefined) input.prevResult = prevResult;
  return JSON.stringify(input);
}

async function execPlugin(command: 'ADD' | 'DEL', conf: PluginConf, inv: Invocation, prevResult: unknown): Promise<unknown> {
  const child = Bun.spawn([...DIE_WITH_ROCKER, findPlugin(conf.type)], {
    stdin: Buffer.from(pluginInput(conf, inv, prevResult)),
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
      CNI_COMMAND: command,
      CNI_CONTAINERID: inv.containerId,
      CNI_NETNS: inv.netns,
      CNI_IFNAME: inv.ifname,
      CNI_PATH: pluginDirs().join(':'),
    },
  });
  const [out, err, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  if (code !== 0) {
    let msg = err.trim() || `exit status ${code}`;
    try {
      const e = JSON.parse(out) as { msg?: string; details?: string };
      msg = [e.msg, e.details].filter(Boolean).join(': ') || msg;
    } catch {
      // not the protocol's error object
    }
    throw new UserError(`network ${inv.network}: CNI plugin ${conf.type} ${command} failed: ${msg.replace(/\s*\n\s*/g, '; ')}`, 125);
  }
  return out.trim() ? JSON.parse(out) : undefined;
}

/** Fails (one line, exit 125) when a plugin of the chain is not installed: checked before anything exists on the host. */
export function checkPlugins(chain: PluginConf[]): void {
  for (const conf of chain) findPlugin(conf.type);
}

/**
 * Runs ADD through the chain; returns the final result. `progress` gets each
 * plugin's result as it comes: DEL needs the addresses (host-local releases
 * by them; attachments an older rocker made carry the firewall plugin, which
 * finds its rules by them) even when rocker is killed in the middle.
 */
export async function cniAdd(chain: PluginConf[], inv: Invocation, progress: (result: unknown) => void): Promise<CniResult> {
  let prev: unknown;
  for (const conf of chain) {
    prev = (await execPlugin('ADD', conf, inv, prev)) ?? prev;
    progress(prev);
  }
  const parsed = v.safeParse(resultSchema, prev);
  if (!parsed.success) throw new UserError(`network ${inv.network}: the CNI plugins returned no usable result`, 125);
  return parsed.output;
}

/**
 * Runs DEL through the chain in reverse, as libcni does, each plugin even
 * when an earlier one failed (so one broken plugin does not keep the others'
 * rules), then reports the first failure. Running them all at once saved
 * about 70 ms per run, but the plugins' iptables calls then raced on
 * nf_tables and left a NAT chain behind after kill -9 tests.
 */
export async function cniDel(chain: PluginConf[], inv: Invocation, prevResult: unknown): Promise<void> {
  let first: unknown;
  for (const conf of [...chain].reverse()) {
    try {
      await execPlugin('DEL', conf, inv, prevResult);
    } catch (err) {
      first ??= err;
    }
  }
  if (first) throw first;
}
