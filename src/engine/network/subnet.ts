// IPv4 subnets as numbers, and the host's routes (for clash checks).
import { readFileSync } from 'node:fs';

export function ipToNumber(ip: string): number {
  return ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}

export function ipToText(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

export function parseCidr(text: string): { network: number; prefix: number } {
  const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(text);
  const prefix = Number(m?.[2]);
  if (!m || !(prefix >= 1 && prefix <= 32) || m[1]!.split('.').some((o) => Number(o) > 255)) throw new Error(`invalid subnet ${text}`);
  const size = 2 ** (32 - prefix);
  return { network: Math.floor(ipToNumber(m[1]!) / size) * size, prefix };
}

function range(cidr: string): [number, number] {
  const c = parseCidr(cidr);
  return [c.network, c.network + 2 ** (32 - c.prefix) - 1];
}

export function overlaps(a: string, b: string): boolean {
  const [a0, a1] = range(a);
  const [b0, b1] = range(b);
  return a0 <= b1 && b0 <= a1;
}

export function cidrContains(cidr: string, ip: string): boolean {
  const [lo, hi] = range(cidr);
  const n = ipToNumber(ip);
  return n >= lo && n <= hi;
}

/** The host's IPv4 routes other than the default route, from /proc/net/route (no process needed). */
export function hostRoutes(): { dev: string; cidr: string }[] {
  const out: { dev: string; cidr: string }[] = [];
  for (const line of readFileSync('/proc/net/route', 'utf8').split('\n').slice(1)) {
    const [dev, dest, , , , , , mask] = line.trim().split(/\s+/);
    if (!dev || !dest || !mask || mask === '00000000') continue;
    // The file holds addresses in the kernel's (little-endian) byte order.
    const le = (hex: string) => ipToText(Number.parseInt(hex.match(/../g)!.reverse().join(''), 16));
    const prefix = [...Number.parseInt(mask, 16).toString(2)].filter((b) => b === '1').length;
    out.push({ dev, cidr: `${le(dest)}/${prefix}` });
  }
  return out;
}
