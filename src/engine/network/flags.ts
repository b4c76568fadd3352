// `rocker run`'s networking flags, checked before anything is created.
import { UserError } from '../../common/errors.ts';

export interface PortSpec {
  /** Empty: every host address. */
  hostIp: string;
  /** 0: a free port chosen at start. */
  hostPort: number;
  containerPort: number;
  protocol: 'tcp' | 'udp';
}

const bad = (msg: string) => new UserError(msg, 125);
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
export const NETWORK_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$/;

export function isIPv4(text: string): boolean {
  return IPV4.test(text);
}

function port(text: string, spec: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > 65535) throw bad(`invalid --publish "${spec}": port "${text}" is not a number from 1 to 65535`);
  return n;
}

/** `[IP:][HOSTPORT:]CONTAINERPORT[/tcp|udp]`, Docker's grammar without ranges. */
export function parsePublish(spec: string): PortSpec {
  const slash = spec.lastIndexOf('/');
  const proto = slash < 0 ? 'tcp' : spec.slice(slash + 1);
  if (proto !== 'tcp' && proto !== 'udp') throw bad(`invalid --publish "${spec}": protocol "${proto}" is not tcp or udp`);
  const parts = (slash < 0 ? spec : spec.slice(0, slash)).split(':');
  if (parts.length > 3 || parts.some((p) => p.includes('-'))) throw bad(`invalid --publish "${spec}": expected [IP:][HOSTPORT:]CONTAINERPORT[/tcp|udp] (ranges are not supported)`);
  const [hostIp, hostPort, containerPort] = parts.length === 3 ? parts : parts.length === 2 ? ['', ...parts] : ['', '', ...parts];
  if (hostIp !== '' && !isIPv4(hostIp!)) throw bad(`invalid --publish "${spec}": "${hostIp}" is not an IPv4 address`);
  return { hostIp: hostIp === '0.0.0.0' ? '' : hostIp!, hostPort: hostPort ? port(hostPort, spec) : 0, containerPort: port(containerPort!, spec), protocol: proto };
}

/** `NAME:IP` or `NAME:host-gateway` (the address of the host on the container's network). */
export function parseAddHost(spec: string): { host: string; ip: string } {
  const sep = spec.search(/[:=]/);
  const host = spec.slice(0, sep);
  const ip = spec.slice(sep + 1);
  if (sep < 1 || !/^[a-zA-Z0-9]([a-zA-Z0-9.-]*[a-zA-Z0-9])?$/.test(host) || !(ip === 'host-gateway' || isIPv4(ip) || /^[0-9a-fA-F:]+$/.test(ip))) {
    throw bad(`invalid --add-host "${spec}": expected NAME:IP or NAME:host-gateway`);
  }
  return { host, ip };
}

export function parseDns(ip: string): string {
  if (!isIPv4(ip) && !/^[0-9a-fA-F:]+:[0-9a-fA-F:]*$/.test(ip)) throw bad(`invalid --dns "${ip}": not an IP address`);
  return ip;
}

export function parseNetwork(text: string): string {
  if (text === 'default') return 'bridge';
  if (text === 'pod') throw bad('--network pod: join a pod with --pod NAME');
  if (text.startsWith('container:')) throw bad(`--network ${text} is not supported: use none, host, bridge or a network name`);
  if (!NETWORK_NAME.test(text)) throw bad(`invalid --network "${text}": use none, host, bridge or a network name`);
  return text;
}

export interface NetworkFlags {
  network?: string;
  publish: string[];
  publishAll?: boolean;
  addHost: string[];
  dns: string[];
  dnsSearch: string[];
  ip?: string;
  networkAlias: string[];
}

/** The networking part of RunOptions. A bridge network is the default, as in Docker. */
export function networkOptions(f: NetworkFlags) {
  const network = parseNetwork(f.network ?? 'bridge');
  const publish = f.publish.map(parsePublish);
  const bridged = network !== 'none' && network !== 'host';
  if (!bridged && (publish.length || f.publishAll)) throw bad(`--publish needs a bridge network: --network ${network} has no ports of its own`);
  if (!bridged && (f.dns.length || f.dnsSearch.length)) throw bad(`--dns needs a bridge network: --network ${network} uses ${network === 'host' ? "the host's" : "the image's"} resolv.conf`);
  for (const h of f.addHost.map(parseAddHost)) {
    if (h.ip === 'host-gateway' && network === 'none') throw bad(`--add-host ${h.host}:host-gateway: a container with --network none cannot reach the host`);
  }
  if (f.ip !== undefined && !isIPv4(f.ip)) throw bad(`invalid --ip "${f.ip}": not an IPv4 address`);
  for (const a of f.networkAlias) if (!/^[a-zA-Z0-9]([a-zA-Z0-9.-]*[a-zA-Z0-9])?$/.test(a)) throw bad(`invalid --network-alias "${a}"`);
  if (!bridged && (f.ip !== undefined || f.networkAlias.length)) throw bad(`--ip and --network-alias need a user network, not --network ${network}`);
  return {
    network, publish, publishAll: !!f.publishAll, addHosts: f.addHost, dns: f.dns.map(parseDns), dnsSearch: f.dnsSearch,
    ...(f.ip !== undefined ? { ip: f.ip } : {}),
    ...(f.networkAlias.length ? { aliases: f.networkAlias } : {}),
  };
}
