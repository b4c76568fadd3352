// The default bridge network and published ports, on the real CNI plugins
// (bridge, host-local, portmap, firewall) and runc.
import { expect, test } from 'bun:test';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { containerSuite } from '../helpers/container-suite.ts';
import { freePort, hostAddress, hostServer, httpGet, outsideWorld } from '../helpers/network.ts';
import { rocker, ROCKER } from '../helpers/rocker.ts';

const { env, dir, runRoot, leaks } = containerSuite();
const net = join(runRoot, 'net');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** host-local's reservations: one file per address in use (besides its lock and last_reserved_ip). */
const reservations = () => {
  const d = join(net, 'ipam', 'bridge');
  return existsSync(d) ? readdirSync(d).filter((f) => /^\d+\.\d+\.\d+\.\d+$/.test(f)) : [];
};
const entries = (sub: string) => (existsSync(join(net, sub)) ? readdirSync(join(net, sub)) : []);
/** The first two octets of the default network's /16 ("10.77."): another engine or store may hold 10.77 already. */
const bridgeNet = () => JSON.parse(rocker(['network', 'inspect', 'bridge'], env).stdout)[0].IPAM.Config[0].Subnet.replace(/0\.0\/16$/, '');
/** What a container leaves on the host (the network's own bridge and shared chains stay until it is removed). */
const perContainer = (l: string) => /veth|CNI-DN|CNI-[0-9a-f]{24}|-[ds] 10\.\d+\.\d+\.\d+\/32/.test(l);

test('network inspect: the default network exists before its first use, as Docker\'s; an unknown one is exit 1', () => {
  const [net] = JSON.parse(rocker(['network', 'inspect', 'bridge'], env).stdout);
  expect(net).toMatchObject({ Name: 'bridge', Driver: 'bridge' });
  expect(net.IPAM.Config[0].Subnet).toMatch(/^10\.\d+\.0\.0\/16$/);
  expect(rocker(['network', 'inspect', 'nosuch'], env)).toEqual({ code: 1, stdout: '', stderr: 'rocker: no such network: nosuch\n' });
});

test('the default network is bridge: an address on the rocker bridge, outbound to the host, resolv.conf, hostname', async () => {
  const srv = await hostServer(dir, 'from-host');
  try {
    const host = hostAddress();
    const r = rocker(['run', '--rm', '--hostname', 'web1', '--dns', '192.0.2.53', '--add-host', 'host.docker.internal:host-gateway', 'busybox', 'sh', '-c',
      `ip -4 -o addr show eth0; hostname; cat /etc/resolv.conf; wget -qO- http://${host}:${srv.port}/id; echo; wget -qO- http://host.docker.internal:${srv.port}/id`], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const [addr, hostname, resolv, fromHost, viaGateway] = r.stdout.split('\n');
    expect(addr).toContain(`eth0    inet ${bridgeNet()}`);
    expect(addr).toMatch(/\/16 /);
    expect(hostname).toBe('web1');
    expect(resolv).toBe('nameserver 192.0.2.53');
    expect(fromHost).toBe('from-host');
    expect(viaGateway).toBe('from-host');
  } finally {
    srv.stop();
  }
  const ls = rocker(['network', 'ls'], env).stdout;
  expect(ls).toMatch(/^NETWORK ID +NAME +DRIVER +SUBNET +GATEWAY +BRIDGE\n[0-9a-f]{12} +bridge +bridge +10\.\d+\.0\.0\/16 +10\.\d+\.0\.1 +\S+\n$/);
  // Released when the run ended: no address, namespace, attachment or port left.
  expect(reservations()).toEqual([]);
  expect(entries('netns')).toEqual([]);
  expect(entries('attachments')).toEqual([]);
});

test('outbound NAT: a container reaches a server outside the host as the host, and only through the NAT', async () => {
  const outside = await outsideWorld(dir);
  try {
    // The outside namespace has no route to the container subnet: an answer proves the source was rewritten.
    expect(await httpGet(outside.url)).toBe(`${outside.hostEnd}\n`);
    const r = rocker(['run', '--rm', 'busybox', 'wget', '-qO-', outside.url], env);
    expect(r).toEqual({ code: 0, stdout: `${outside.hostEnd}\n`, stderr: '' });
    // Past a FORWARD policy of DROP too (another engine, or a host firewall, may set it).
    const policy = spawnSync('iptables', ['-w', '-S', 'FORWARD'], { encoding: 'utf8' }).stdout.split('\n')[0]!.split(' ')[2]!;
    spawnSync('iptables', ['-w', '-P', 'FORWARD', 'DROP']);
    try {
      expect(rocker(['run', '--rm', 'busybox', 'timeout', '5', 'wget', '-qO-', outside.url], env).stdout).toBe(`${outside.hostEnd}\n`);
    } finally {
      spawnSync('iptables', ['-w', '-P', 'FORWARD', policy]);
    }
    // An internal network has no NAT and no route out.
    expect(rocker(['network', 'create', '--internal', 'closed'], env).code).toBe(0);
    const closed = rocker(['run', '--rm', '--network', 'closed', 'busybox', 'sh', '-c', `wget -qO- ${outside.url} 2>/dev/null || echo unreachable`], env);
    expect(closed.stdout).toBe('unreachable\n');
    expect(rocker(['network', 'rm', 'closed'], env).code).toBe(0);
  } finally {
    outside.stop();
  }
});

test('in its own network namespace any user binds low ports, as on Docker (a server on :80 after --cap-drop ALL)', () => {
  for (const net of ['bridge', 'none']) {
    const r = rocker(['run', '--rm', '--network', net, '--cap-drop', 'ALL', '-u', '1000', 'busybox', 'sh', '-c', 'cat /proc/sys/net/ipv4/ip_unprivileged_port_start; httpd -p 80 -h / && echo bound'], env);
    expect(r).toMatchObject({ code: 0, stdout: '0\nbound\n' });
  }
});

test('--network none keeps loopback only, host shares the host network', () => {
  expect(rocker(['run', '--rm', '--network', 'none', 'busybox', 'sh', '-c', 'ls /sys/class/net | sort | tr "\\n" " "'], env).stdout).toBe('lo ');
  expect(rocker(['run', '--rm', '--network', 'host', 'busybox', 'sh', '-c', 'test -e /sys/class/net/eth0 && echo host'], env).stdout).toBe('host\n');
});

test('-p: reachable from the host on 127.0.0.1 and the host address; port, ps, inspect; released on stop', async () => {
  const port = await freePort();
  const id = rocker(['run', '-d', '--name', 'pub', '-p', `${port}:80`, '-p', '8081', 'busybox', 'sh', '-c', 'echo published > /www; httpd -f -p 80 -h /'], env).stdout.trim();
  expect(id).toMatch(/^[0-9a-f]{64}$/);
  let body = '';
  for (let i = 0; i < 50 && body === ''; i++) {
    body = await httpGet(`http://127.0.0.1:${port}/www`);
    if (!body) await sleep(100);
  }
  expect(body).toBe('published\n');
  expect(await httpGet(`http://${hostAddress()}:${port}/www`)).toBe('published\n');
  const lines = rocker(['port', 'pub'], env).stdout.split('\n').filter(Boolean);
  expect(lines[0]).toBe(`80/tcp -> 0.0.0.0:${port}`);
  expect(lines[1]).toMatch(/^8081\/tcp -> 0\.0\.0\.0:\d+$/);
  expect(rocker(['port', 'pub', '80'], env).stdout).toBe(`0.0.0.0:${port}\n`);
  expect(rocker(['ps'], env).stdout).toContain(`0.0.0.0:${port}->80/tcp, 0.0.0.0:`);
  const [info] = JSON.parse(rocker(['inspect', 'pub'], env).stdout);
  expect(info.NetworkSettings.Ports['80/tcp']).toEqual([{ HostIp: '0.0.0.0', HostPort: String(port) }]);
  // What was asked, as Docker keeps it (ocx reads this).
  expect(info.HostConfig.PortBindings).toEqual({ '80/tcp': [{ HostIp: '', HostPort: String(port) }], '8081/tcp': [{ HostIp: '', HostPort: '' }] });
  expect(info.NetworkSettings.Networks.bridge.IPAddress).toStartWith(bridgeNet());
  // A second container cannot take the same host port, nor can anything else.
  const again = rocker(['run', '--rm', '-p', `${port}:80`, 'busybox', 'true'], env);
  expect(again).toMatchObject({ code: 125, stdout: '', stderr: `rocker: cannot publish port ${port}/tcp: another rocker container publishes it\n` });
  expect(rocker(['stop', '-t', '0', 'pub'], env).code).toBe(0);
  // The monitor released it when the exit was recorded: nothing answers, nothing is claimed.
  for (let i = 0; i < 50 && entries('attachments').length; i++) await sleep(100);
  expect(entries('attachments')).toEqual([]);
  expect(await httpGet(`http://127.0.0.1:${port}/www`)).toBe('');
  expect(rocker(['port', 'pub'], env).stdout).toBe('');
  expect(rocker(['rm', id], env).code).toBe(0);
  expect((await leaks()).network.filter(perContainer)).toEqual([]);
});

test('a host port taken by another program is refused before the container exists', async () => {
  const srv = await hostServer(dir, 'busy');
  try {
    const r = rocker(['run', '--name', 'taken', '-p', `${srv.port}:80`, 'busybox', 'true'], env);
    expect(r).toMatchObject({ code: 125, stderr: `rocker: cannot publish port ${srv.port}/tcp: the port is already in use on the host\n` });
    expect(rocker(['ps', '-aq'], env).stdout).toBe('');
    expect(entries('attachments')).toEqual([]);
  } finally {
    srv.stop();
  }
});

test('three runs racing for one host port: exactly one publishes it', async () => {
  const port = await freePort();
  const codes = await Promise.all([1, 2, 3].map((i) => new Promise<number>((resolve) => {
    spawn(ROCKER, ['run', '-d', '--name', `race${i}`, '-p', `${port}:80`, 'busybox', 'sleep', '1000'], { env, stdio: 'ignore' }).on('close', (c) => resolve(c ?? -1));
  })));
  expect(codes.sort()).toEqual([0, 125, 125]);
  const winner = [1, 2, 3].map((i) => `race${i}`).find((n) => rocker(['port', n], env).stdout === `80/tcp -> 0.0.0.0:${port}\n`);
  expect(winner).toBeDefined();
  expect(rocker(['rm', '-f', winner!], env).code).toBe(0);
  expect(rocker(['ps', '-aq'], env).stdout).toBe('');
});

test('missing CNI plugins and an unknown network: one line, exit 125, nothing left behind', () => {
  const r = rocker(['run', '--rm', '--name', 'noplugins', 'busybox', 'true'], { ...env, CNI_PATH: '/nonexistent' });
  expect(r).toEqual({ code: 125, stdout: '', stderr: 'rocker: CNI plugin "bridge" not found in /nonexistent: install containernetworking-plugins (or set CNI_PATH)\n' });
  expect(rocker(['run', '--rm', '--network', 'nosuch', 'busybox', 'true'], env)).toEqual({ code: 125, stdout: '', stderr: "rocker: network nosuch not found: create it with 'rocker network create nosuch'\n" });
  expect(rocker(['ps', '-aq'], env).stdout).toBe('');
  expect(entries('attachments')).toEqual([]);
  expect(entries('netns')).toEqual([]);
});

test('rocker killed with SIGKILL while starting: a later command releases address, veth, namespace and rules', async () => {
  for (const delay of [10, 40, 80, 150, 250, 400]) {
    const child = spawn(ROCKER, ['run', '--name', `k${delay}`, '-p', String(await freePort()) + ':80', 'busybox', 'sleep', '1000'], { env, stdio: 'ignore' });
    await sleep(delay);
    child.kill('SIGKILL');
    await new Promise((r) => child.on('close', r));
  }
  await sleep(300);
  const ids = rocker(['ps', '-aq', '--no-trunc'], env).stdout.split('\n').filter(Boolean);
  if (ids.length) expect(rocker(['rm', '-f', ...ids], env).code).toBe(0);
  const dirs = readdirSync(join(env.ROCKER_ROOT!, 'containers')).filter((e) => /^[0-9a-f]{64}$/.test(e));
  if (dirs.length) expect(rocker(['rm', '-f', ...dirs], env).code).toBe(0);
  // An attachment whose rocker died before the container record existed is collected by the next network command.
  expect(rocker(['network', 'ls'], env).code).toBe(0);
  expect(entries('attachments')).toEqual([]);
  expect(entries('netns')).toEqual([]);
  expect(entries('ports')).toEqual([]);
  expect(reservations()).toEqual([]);
  const left = await leaks();
  expect(left.mounts).toEqual([]);
  expect(left.network.filter(perContainer)).toEqual([]);
});

test('network rm removes the bridge and the shared CNI chains; the default network comes back on first use', async () => {
  const bridge = JSON.parse(rocker(['network', 'inspect', 'bridge'], env).stdout)[0].Options['com.docker.network.bridge.name'];
  expect(existsSync(`/sys/class/net/${bridge}`)).toBe(true);
  expect(rocker(['network', 'rm', 'bridge'], env)).toEqual({ code: 0, stdout: 'bridge\n', stderr: '' });
  expect(existsSync(`/sys/class/net/${bridge}`)).toBe(false);
  expect((await leaks()).network).toEqual([]);
  expect(rocker(['run', '--rm', 'busybox', 'true'], env).code).toBe(0);
  expect(rocker(['network', 'ls', '-q'], env).stdout).toMatch(/^[0-9a-f]{12}\n$/);
});
