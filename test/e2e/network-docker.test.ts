// rocker next to a private dockerd that writes its own iptables rules
// (FORWARD chain, DOCKER chains, isolation, NAT): published ports of both
// engines side by side, and rocker's containers still talking to each other.
// Docker sets the FORWARD policy to DROP only when it had to turn forwarding
// on itself; on this machine forwarding is already on.
import { expect, test } from 'bun:test';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { containerSuite } from '../helpers/container-suite.ts';
import { startDockerd, type Daemon } from '../helpers/docker.ts';
import { freePort, hostAddress, httpGet } from '../helpers/network.ts';
import { busyboxTar, rocker } from '../helpers/rocker.ts';

const { env, dir } = containerSuite();
const dockerDir = `/var/tmp/rocker-nettest-dockerd-${process.pid}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let daemon: Daemon | undefined;
let policyBefore = '';

function sh(cmd: string[], e: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(cmd[0]!, cmd.slice(1), { env: e, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status ?? 1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}
const docker = (args: string[]) => sh(['docker', ...args], daemon!.env);
const forwardPolicy = () => sh(['iptables', '-S', 'FORWARD']).stdout.split('\n')[0]!;

async function fetchEventually(url: string): Promise<string> {
  for (let i = 0; i < 50; i++) {
    const body = await httpGet(url);
    if (body) return body;
    await sleep(100);
  }
  return '';
}

const haveDockerd = sh(['sh', '-c', 'command -v dockerd']).code === 0;

test.if(haveDockerd)('published ports of Docker and rocker side by side, each engine with its own rules', async () => {
  policyBefore = forwardPolicy();
  daemon = startDockerd(dockerDir, '--iptables=true --ip6tables=false --bridge=none');
  expect(sh(['sh', '-c', `docker import - rocker-nettest/busybox < "${busyboxTar()}"`], daemon.env).code).toBe(0);
  expect(sh(['iptables', '-S', 'FORWARD']).stdout).toContain('-j DOCKER-USER');
  expect(docker(['network', 'create', 'dnet']).code).toBe(0);
  const [dport, rport] = [await freePort(), await freePort()];
  const serve = (text: string) => ['sh', '-c', `echo ${text} > /i; httpd -f -p 80 -h /`];
  expect(docker(['run', '-d', '--name', 'dweb', '--network', 'dnet', '-p', `${dport}:80`, 'rocker-nettest/busybox', ...serve('docker')]).code).toBe(0);
  expect(rocker(['network', 'create', 'rnet'], env).code).toBe(0);
  expect(rocker(['run', '-d', '--name', 'rweb', '--network', 'rnet', '-p', `${rport}:80`, 'busybox', ...serve('rocker')], env).code).toBe(0);
  for (const host of ['127.0.0.1', hostAddress()]) {
    expect(await fetchEventually(`http://${host}:${dport}/i`)).toBe('docker\n');
    expect(await fetchEventually(`http://${host}:${rport}/i`)).toBe('rocker\n');
  }
  // The same answer from `port` (Docker 20.10 lists the IPv4 mapping first).
  expect(rocker(['port', 'rweb'], env).stdout).toBe(`80/tcp -> 0.0.0.0:${rport}\n`);
  expect(docker(['port', 'dweb']).stdout.split('\n')[0]).toBe(`80/tcp -> 0.0.0.0:${dport}`);
  // rocker's containers reach each other by name past Docker's FORWARD rules, and Docker's published port through the host.
  const r = rocker(['run', '--rm', '--network', 'rnet', 'busybox', 'sh', '-c', `wget -qO- http://rweb/i; wget -qO- http://${hostAddress()}:${dport}/i`], env);
  expect(r.stdout).toBe('rocker\ndocker\n');
  expect(rocker(['rm', '-f', 'rweb'], env).code).toBe(0);
  expect(rocker(['network', 'rm', 'rnet'], env).code).toBe(0);
});

test.if(haveDockerd)('-P publishes the ports an image made by Docker exposes', async () => {
  expect(docker(['commit', '--change', 'EXPOSE 80', '--change', 'CMD ["httpd", "-f", "-p", "80", "-h", "/"]', 'dweb', 'rocker-nettest/web:exposed']).code).toBe(0);
  const tar = join(dir, 'exposed.tar');
  expect(docker(['save', '-o', tar, 'rocker-nettest/web:exposed']).code).toBe(0);
  expect(rocker(['load', '-q', '-i', tar], env).code).toBe(0);
  expect(rocker(['run', '-d', '--name', 'pall', '-P', 'rocker-nettest/web:exposed'], env).code).toBe(0);
  const m = /^80\/tcp -> 0\.0\.0\.0:(\d+)\n$/.exec(rocker(['port', 'pall'], env).stdout);
  expect(m).not.toBeNull();
  expect(await fetchEventually(`http://127.0.0.1:${m![1]}/i`)).toBe('docker\n');
  expect(rocker(['rm', '-f', 'pall'], env).code).toBe(0);
});

test.if(haveDockerd)('after dockerd: its rules removed and the FORWARD policy back as it was', async () => {
  if (daemon) {
    docker(['rm', '-f', 'dweb']);
    docker(['network', 'rm', 'dnet']);
    sh(['sh', '-c', `kill $(cat "${dockerDir}/dockerd.pid")`]);
    for (let i = 0; i < 300 && sh(['sh', '-c', `test -e "${dockerDir}"`]).code === 0; i++) await sleep(100);
  }
  // dockerd leaves its chains and jumps behind when it stops: remove every rule naming DOCKER, then the chains.
  for (const table of ['filter', 'nat']) {
    const lines = sh(['iptables', '-t', table, '-S']).stdout.split('\n');
    for (const rule of lines.filter((l) => l.startsWith('-A ') && l.includes('DOCKER'))) {
      sh(['sh', '-c', `iptables -t ${table} ${rule.replace(/^-A /, '-D ')}`]);
    }
    for (const chain of lines.filter((l) => l.startsWith('-N DOCKER')).map((l) => l.slice(3))) sh(['iptables', '-t', table, '-X', chain]);
  }
  if (policyBefore) sh(['iptables', '-P', 'FORWARD', policyBefore.split(' ')[2]!]);
  expect(sh(['sh', '-c', 'iptables-save | grep -c DOCKER']).stdout.trim()).toBe('0');
  if (policyBefore) expect(forwardPolicy()).toBe(policyBefore);
});
