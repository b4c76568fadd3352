import { expect, test } from 'bun:test';
import { parseAddHost, parsePublish } from '../../src/engine/network/flags.ts';
import { addHostEntries, hostsText } from '../../src/engine/network/hosts.ts';
import { cidrContains, hostRoutes, ipToNumber, ipToText, overlaps, parseCidr } from '../../src/engine/network/subnet.ts';
import { pluginChain } from '../../src/engine/network/cni.ts';

test('subnets: parsing normalises to the network address; overlap and containment', () => {
  expect(parseCidr('10.90.3.7/24')).toEqual({ network: ipToNumber('10.90.3.0'), prefix: 24 });
  expect(ipToText(ipToNumber('192.0.2.255'))).toBe('192.0.2.255');
  expect(() => parseCidr('10.0.0.0/33')).toThrow();
  expect(() => parseCidr('300.0.0.0/8')).toThrow();
  expect(overlaps('10.77.0.0/16', '10.77.5.0/24')).toBe(true);
  expect(overlaps('10.77.0.0/16', '10.78.0.0/16')).toBe(false);
  expect(cidrContains('10.90.0.0/24', '10.90.0.255')).toBe(true);
  expect(cidrContains('10.90.0.0/24', '10.90.1.0')).toBe(false);
  // /proc/net/route in the kernel's byte order: the host's own networks come out as written.
  for (const r of hostRoutes()) expect(r.cidr).toMatch(/^\d+\.\d+\.\d+\.\d+\/\d+$/);
});

test('publish and add-host grammar', () => {
  expect(parsePublish('127.0.0.1::80')).toEqual({ hostIp: '127.0.0.1', hostPort: 0, containerPort: 80, protocol: 'tcp' });
  expect(parsePublish('53:53/udp')).toEqual({ hostIp: '', hostPort: 53, containerPort: 53, protocol: 'udp' });
  expect(() => parsePublish('a:b:c:d')).toThrow(/expected \[IP:\]/);
  expect(parseAddHost('host.docker.internal:host-gateway')).toEqual({ host: 'host.docker.internal', ip: 'host-gateway' });
  expect(parseAddHost('v6:fe80::1')).toEqual({ host: 'v6', ip: 'fe80::1' });
  expect(() => parseAddHost(':1.2.3.4')).toThrow(/--add-host/);
});

test('hosts file: own line, --add-host lines with host-gateway resolved, then peers', () => {
  const text = hostsText({ ip: '10.90.0.2', names: ['abc', 'web', 'abc'] }, addHostEntries(['h:host-gateway', 'db=10.0.0.9'], '10.90.0.1'), [{ ip: '10.90.0.3', names: ['def', 'db2'] }]);
  expect(text).toBe('127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n10.90.0.2\tabc web\n10.90.0.1\th\n10.0.0.9\tdb\n'
    + '# containers on the same network (kept up to date by rocker)\n10.90.0.3\tdef db2\n');
});

test('plugin chain: portmap only with published ports; NAT is the network\'s rule, not the plugin\'s; an internal network has no gateway or route', () => {
  const net = { name: 'n', id: 'a'.repeat(64), driver: 'bridge' as const, subnet: '10.90.0.0/24', gateway: '10.90.0.1', bridge: 'br-x', created: '' };
  expect(pluginChain(net, '/ipam', false).map((p) => p.type)).toEqual(['bridge']);
  expect(pluginChain(net, '/ipam', true).map((p) => p.type)).toEqual(['bridge', 'portmap']);
  expect(pluginChain(net, '/ipam', false)[0]).toMatchObject({ isGateway: true, ipMasq: false });
  const inner = pluginChain({ ...net, internal: true }, '/ipam', false)[0]!;
  expect(inner).toMatchObject({ isGateway: false, ipMasq: false, ipam: { routes: [] } });
});
