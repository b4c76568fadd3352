// /etc/hosts and /etc/resolv.conf as rocker writes them for a container.
import { readFileSync } from 'node:fs';

export interface HostsEntry {
  ip: string;
  names: string[];
}

/** The container's own line first, then --add-host lines, then its peers on a user network (nerdctl's way to resolve names). */
export function hostsText(self: HostsEntry, extra: HostsEntry[], peers: HostsEntry[] = []): string {
  const line = (e: HostsEntry) => `${e.ip}\t${[...new Set(e.names)].join(' ')}\n`;
  const out = ['127.0.0.1\tlocalhost\n', '::1\tlocalhost ip6-localhost ip6-loopback\n', line(self), ...extra.map(line)];
  if (peers.length) out.push('# containers on the same network (kept up to date by rocker)\n', ...peers.map(line));
  return out.join('');
}

/** --add-host values as entries; host-gateway becomes `gateway`, the host's address as the container sees it. */
export function addHostEntries(specs: string[], gateway: string): HostsEntry[] {
  return specs.map((s) => {
    const sep = s.search(/[:=]/);
    const ip = s.slice(sep + 1);
    return { ip: ip === 'host-gateway' ? gateway : ip, names: [s.slice(0, sep)] };
  });
}

/**
 * The host's resolv.conf without loopback name servers, which mean nothing
 * inside the container's namespace, or Docker's fallback (Google's public
 * servers) when none is left; --dns and --dns-search replace their parts.
 */
export function resolvConfText(dns: string[], dnsSearch: string[]): string {
  let host = '';
  try {
    host = readFileSync('/etc/resolv.conf', 'utf8');
  } catch {
    // no resolver configured on the host
  }
  const lines = host.split('\n').map((l) => l.trim());
  const field = (key: string) => lines.filter((l) => l.startsWith(`${key} `) || l.startsWith(`${key}\t`)).map((l) => l.slice(key.length).trim());
  let servers = dns.length ? dns : field('nameserver').filter((s) => !/^(127\.|::1$)/.test(s));
  if (servers.length === 0) servers = ['8.8.8.8', '8.8.4.4'];
  const search = dnsSearch.length ? dnsSearch : field('search').flatMap((s) => s.split(/\s+/));
  const options = field('options');
  return [
    ...servers.map((s) => `nameserver ${s}`),
    ...(search.length ? [`search ${search.join(' ')}`] : []),
    ...options.map((o) => `options ${o}`),
    '',
  ].join('\n');
}
