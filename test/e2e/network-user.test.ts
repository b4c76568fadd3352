// User networks: create/ls/inspect/rm/prune, containers reaching each other
// by name, and what rm leaves (nothing).
import { expect, test } from 'bun:test';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { containerSuite } from '../helpers/container-suite.ts';
import { hostAddress } from '../helpers/network.ts';
import { rocker, ROCKER } from '../helpers/rocker.ts';

const { env, leaks } = containerSuite();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const inspectNet = (name: string) => JSON.parse(rocker(['network', 'inspect', name], env).stdout)[0];

test('network create picks a free subnet or takes --subnet/--gateway; clashes and bad input are one-line errors', () => {
  const id = rocker(['network', 'create', 'alpha'], env).stdout.trim();
  expect(id).toMatch(/^[0-9a-f]{64}$/);
  const alpha = inspectNet('alpha');
  expect(alpha).toMatchObject({ Name: 'alpha', Id: id, Driver: 'bridge', Containers: {} });
  expect(alpha.IPAM.Config[0].Subnet).toMatch(/^10\.9\d\.\d+\.0\/24$/);
  expect(alpha.Options['com.docker.network.bridge.name']).toBe(`br-${id.slice(0, 12)}`);
  expect(rocker(['network', 'create', '--subnet', '10.123.7.0/24', '--gateway', '10.123.7.254', 'beta'], env).code).toBe(0);
  expect(inspectNet(id.slice(0, 6)).Name).toBe('alpha');
  expect(inspectNet('beta').IPAM.Config[0]).toEqual({ Subnet: '10.123.7.0/24', Gateway: '10.123.7.254' });
  const ls = rocker(['network', 'ls'], env).stdout;
  expect(ls).toMatch(/\n[0-9a-f]{12} +alpha +bridge +10\.9/);
  expect(ls).toMatch(/\n[0-9a-f]{12} +beta +bridge +10\.123\.7\.0\/24 +10\.123\.7\.254 +br-/);
  const hostNet = `${hostAddress().split('.').slice(0, 3).join('.')}.0/24`;
  const cases: [string[], string][] = [
    [['network', 'create', 'alpha'], 'rocker: network with name alpha already exists\n'],
    [['network', 'create', '--subnet', '10.123.7.128/25', 'gamma'], 'rocker: subnet 10.123.7.128/25 overlaps 10.123.7.0/24 (network beta)\n'],
    [['network', 'create', '--subnet', hostNet, 'gamma'], `rocker: subnet ${hostNet} overlaps ${hostNet} (a route on the host)\n`],
    [['network', 'create', '--subnet', '10.1.2.0/24', '--gateway', '10.9.9.9', 'gamma'], 'rocker: invalid --gateway 10.9.9.9: it must be an address inside 10.1.2.0/24\n'],
    [['network', 'create', '--subnet', 'nonsense', 'gamma'], 'rocker: invalid --subnet "nonsense": expected an IPv4 subnet such as 10.90.5.0/24\n'],
    [['network', 'create', 'host'], 'rocker: invalid network name "host": use letters, digits, "_", "." and "-"; none, host and pod are reserved\n'],
    [['network', 'rm', 'nosuch'], 'rocker: no such network: nosuch\n'],
  ];
  for (const [args, stderr] of cases) expect(rocker(args, env)).toEqual({ code: 1, stdout: '', stderr });
  expect(rocker(['network', 'ls', '-q'], env).stdout.split('\n').filter(Boolean).length).toBe(2);
});

test('containers on a user network reach each other by name; names follow containers that come and go', async () => {
  expect(rocker(['run', '-d', '--name', 'web', '--network', 'alpha', 'busybox', 'sh', '-c', 'echo hello-from-web > /index.html; httpd -f -p 80 -h /'], env).code).toBe(0);
  const client = (cmd: string) => rocker(['run', '--rm', '--network', 'alpha', 'busybox', 'sh', '-c', cmd], env);
  let got = '';
  for (let i = 0; i < 50 && got !== 'hello-from-web\n'; i++) {
    got = client('wget -qO- http://web/index.html').stdout;
    if (got !== 'hello-from-web\n') await sleep(100);
  }
  expect(got).toBe('hello-from-web\n');
  expect(client('ping -c1 -W2 web >/dev/null && echo reachable').stdout).toBe('reachable\n');
  // A later container appears in the hosts file of one already running.
  expect(rocker(['run', '-d', '--name', 'db', '--network', 'alpha', 'busybox', 'sleep', '1000'], env).code).toBe(0);
  expect(rocker(['exec', 'web', 'sh', '-c', 'grep -c " db$" /etc/hosts'], env).stdout).toBe('1\n');
  const members = Object.values(inspectNet('alpha').Containers).map((c) => (c as { Name: string }).Name).sort();
  expect(members).toEqual(['db', 'web']);
  expect(rocker(['network', 'rm', 'alpha'], env)).toMatchObject({ code: 1, stderr: 'rocker: network alpha has active containers: db, web\n' });
  expect(rocker(['rm', '-f', 'db'], env).code).toBe(0);
  expect(rocker(['exec', 'web', 'sh', '-c', 'grep -c " db$" /etc/hosts'], env).stdout).toBe('0\n');
  // The default network resolves no container names, as Docker's does not.
  expect(rocker(['run', '--rm', 'busybox', 'sh', '-c', 'ping -c1 -W1 web >/dev/null 2>&1 || echo unknown'], env).stdout).toBe('unknown\n');
  expect(rocker(['rm', '-f', 'web'], env).code).toBe(0);
});

test('containers started at once never share an address', async () => {
  const runs = [1, 2, 3, 4].map((i) => new Promise<string>((resolve) => {
    const child = spawn(ROCKER, ['run', '--rm', '--network', 'beta', 'busybox', 'sh', '-c', 'sleep 1; ip -4 -o addr show eth0'], { env, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('close', () => resolve(out + String(i).slice(0, 0)));
  }));
  const addrs = (await Promise.all(runs)).map((o) => /inet (\S+)/.exec(o)?.[1]);
  expect(addrs.every((a) => a?.startsWith('10.123.7.'))).toBe(true);
  expect(new Set(addrs).size).toBe(4);
});

test('networks are isolated from each other: only the container\'s own network reaches it', () => {
  // Removing another network while no container runs must leave the
  // remaining networks' isolation in place (with the firewall plugin, the
  // shared CNI-FORWARD chain came back above it).
  expect(rocker(['network', 'create', 'gamma'], env).code).toBe(0);
  expect(rocker(['run', '--rm', '--network', 'gamma', 'busybox', 'true'], env).code).toBe(0);
  expect(rocker(['network', 'rm', 'gamma'], env).code).toBe(0);
  expect(rocker(['run', '-d', '--name', 'iso', '--network', 'alpha', 'busybox', 'sleep', '1000'], env).code).toBe(0);
  const ip = JSON.parse(rocker(['inspect', 'iso'], env).stdout)[0].NetworkSettings.Networks.alpha.IPAddress;
  const ping = (network: string) => rocker(['run', '--rm', '--network', network, 'busybox', 'sh', '-c', `ping -c1 -W1 ${ip} >/dev/null && echo reached || echo blocked`], env).stdout;
  expect(ping('alpha')).toBe('reached\n');
  expect(ping('beta')).toBe('blocked\n');
  expect(ping('bridge')).toBe('blocked\n');
  expect(rocker(['rm', '-f', 'iso'], env).code).toBe(0);
});

test('--internal has no way out; --ip and --network-alias on a user network', () => {
  expect(rocker(['network', 'create', '--internal', '--subnet', '10.124.9.0/24', 'inner'], env).code).toBe(0);
  expect(inspectNet('inner').Internal).toBe(true);
  expect(rocker(['run', '-d', '--name', 'fixed', '--network', 'inner', '--ip', '10.124.9.50', '--network-alias', 'cache', 'busybox', 'sleep', '1000'], env).code).toBe(0);
  const r = rocker(['run', '--rm', '--network', 'inner', 'busybox', 'sh', '-c',
    `ip route | grep -c default; ping -c1 -W1 cache | grep -o "10.124.9.50" | head -1; ping -c1 -W1 ${hostAddress()} >/dev/null 2>&1 || echo no-way-out`], env);
  expect(r.stdout).toBe('0\n10.124.9.50\nno-way-out\n');
  const taken = rocker(['run', '--rm', '--network', 'inner', '--ip', '10.124.9.50', 'busybox', 'true'], env);
  expect(taken.code).toBe(125);
  expect(taken.stderr).toMatch(/^rocker: network inner: CNI plugin bridge ADD failed: .*10\.124\.9\.50 is not available.*\n$/);
  expect(rocker(['run', '--rm', '--network', 'inner', '--ip', '10.1.1.1', 'busybox', 'true'], env).stderr).toBe('rocker: --ip 10.1.1.1 is not a free address of network inner (10.124.9.0/24, gateway 10.124.9.1)\n');
  expect(rocker(['run', '--rm', '--ip', '10.77.0.9', 'busybox', 'true'], env)).toMatchObject({ code: 125, stderr: 'rocker: --ip needs a user network (rocker network create --subnet ...)\n' });
  expect(rocker(['rm', '-f', 'fixed'], env).code).toBe(0);
  expect(rocker(['network', 'rm', 'inner'], env).code).toBe(0);
});

test('a bridge whose first start was cut short (its MAC zeroed when its last port left) is mended by the next start', () => {
  expect(rocker(['network', 'create', '--subnet', '10.124.11.0/24', 'cut'], env).code).toBe(0);
  const bridge = inspectNet('cut').Options['com.docker.network.bridge.name'];
  // The state an ADD interrupted between attaching its veth and addressing the bridge leaves:
  // a bridge with no address of its own, which the kernel zeroes when its last port goes.
  const sh = (cmd: string) => expect(spawnSync('sh', ['-c', cmd]).status).toBe(0);
  sh(`ip link add ${bridge} type bridge && ip link add rkcut-a type veth peer name rkcut-b && ip link set rkcut-a master ${bridge} && ip link del rkcut-a`);
  expect(readFileSync(`/sys/class/net/${bridge}/address`, 'utf8')).toBe('00:00:00:00:00:00\n');
  expect(rocker(['run', '--rm', '--network', 'cut', 'busybox', 'sh', '-c', 'ip -4 -o addr show eth0 | grep -o "10.124.11.[0-9]*/24"'], env)).toMatchObject({ code: 0, stderr: '' });
  expect(readFileSync(`/sys/class/net/${bridge}/address`, 'utf8')).not.toBe('00:00:00:00:00:00\n');
  expect(rocker(['network', 'rm', 'cut'], env).code).toBe(0);
});

test('network rm and prune remove bridges and rules; nothing of the containers is left', async () => {
  const bridge = inspectNet('beta').Options['com.docker.network.bridge.name'];
  expect(existsSync(`/sys/class/net/${bridge}`)).toBe(true);
  expect(rocker(['network', 'rm', 'beta'], env)).toEqual({ code: 0, stdout: 'beta\n', stderr: '' });
  expect(existsSync(`/sys/class/net/${bridge}`)).toBe(false);
  expect(rocker(['network', 'prune'], env).stdout).toMatch(/^Deleted Networks:\n(alpha\nbridge|bridge\nalpha)\n$/);
  expect(rocker(['network', 'ls', '-q'], env).stdout).toBe('');
  expect((await leaks()).network).toEqual([]);
});
