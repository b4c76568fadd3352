import { afterAll, expect, test } from 'bun:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../../src/common/errors.ts';
import { runOptionsFromFlags, type RunFlags } from '../../src/engine/runtime/run-options.ts';

const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'rocker-unit-'));
  made.push(d);
  return d;
};

const base: RunFlags = { env: [], envFile: [], volume: [], tmpfs: [], capAdd: [], capDrop: [], securityOpt: [], publish: [], addHost: [], dns: [], dnsSearch: [], networkAlias: [] };
const opts = (f: Partial<RunFlags>) => runOptionsFromFlags({ ...base, ...f });
const error = (f: Partial<RunFlags>): UserError => {
  try {
    opts(f);
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error('no error');
};

test('sizes and numbers: valid ones convert, bad ones name the flag and the value, exit 125', () => {
  expect(opts({ memory: '256m' }).resources.memory).toBe(256 * 1024 * 1024);
  expect(opts({ memory: '1g' }).resources.memory).toBe(1024 ** 3);
  expect(error({ memory: '12q' })).toMatchObject({ exitCode: 125, message: expect.stringContaining('invalid memory limit "12q"') });
  expect(error({ memory: '1k' }).message).toContain('minimum is 6m');
  expect(opts({ cpushare: '512' }).resources.cpuShares).toBe(512);
  expect(opts({ cpuShares: '300' }).resources.cpuShares).toBe(300);
  expect(error({ cpushare: '1' }).message).toContain('--cpushare');
  expect(error({ cpushare: '5x' }).message).toContain('"5x"');
  expect(error({ cpus: '0' }).message).toContain('--cpus');
  expect(error({ cpus: '9999' }).message).toContain('CPUs');
  expect(error({ cpusetCpus: '0-' }).message).toContain('--cpuset-cpus');
  expect(error({ cpusetCpus: '999' }).message).toContain('does not exist');
  expect(opts({ pidsLimit: '-1' }).resources.pidsLimit).toBe(-1);
});

test('volumes: HOST:CONTAINER[:ro], absolute paths, existing source', () => {
  const dir = tempDir();
  expect(opts({ volume: [`${dir}:/data:ro`] }).volumes).toEqual([{ source: dir, destination: '/data', readOnly: true }]);
  expect(opts({ volume: [`${dir}/:/data/`] }).volumes[0]).toMatchObject({ source: dir, destination: '/data', readOnly: false });
  expect(error({ volume: [`${dir}/missing:/x`] }).message).toMatch(/missing: no such file or directory/);
  // A relative source that is a valid volume name is a named volume, as in Docker; anything else is refused.
  expect(opts({ volume: ['rel:/x'] }).volumes).toEqual([{ source: '', volume: 'rel', destination: '/x', readOnly: false }]);
  expect(error({ volume: ['./rel:/x'] }).message).toContain('neither an absolute host path nor a volume name');
  expect(error({ volume: ['../../etc:/x'] }).message).toContain('neither an absolute host path nor a volume name');
  expect(error({ volume: [`${dir}:x`] }).message).toContain('absolute');
  expect(error({ volume: [`${dir}:/`] }).message).toContain('cannot mount over');
  expect(error({ volume: [`${dir}:/x:rx`] }).message).toContain('"rx"');
});

test('--mount: bind, volume, tmpfs with Docker keys; bad types, keys and sources; duplicate targets', () => {
  const dir = tempDir();
  expect(opts({ mount: [`type=bind,source=${dir},target=/b,readonly`] }).volumes).toEqual([{ source: dir, destination: '/b', readOnly: true }]);
  expect(opts({ mount: ['type=volume,src=data,dst=/v,volume-nocopy'] }).volumes).toEqual([{ source: '', volume: 'data', destination: '/v', readOnly: false, noCopy: true }]);
  expect(opts({ mount: ['src=data,dst=/v,ro=false'] }).volumes[0]).toMatchObject({ volume: 'data', readOnly: false });
  expect(opts({ mount: ['type=tmpfs,dst=/t,tmpfs-size=1m,tmpfs-mode=1777'] }).tmpfs).toEqual([{ destination: '/t', options: ['size=1048576', 'mode=1777'] }]);
  expect(error({ mount: ['type=nfs,dst=/x'] }).message).toContain('type "nfs" is not bind, volume or tmpfs');
  expect(error({ mount: ['type=tmpfs,dst=/x,src=y'] }).message).toContain('unknown key "src"');
  expect(opts({ mount: ['type=volume,dst=/x'] }).volumes).toEqual([{ source: '', volume: '', anonymous: true, destination: '/x', readOnly: false }]);
  expect(opts({ volume: ['/y'] }).volumes).toEqual([{ source: '', volume: '', anonymous: true, destination: '/y', readOnly: false }]);
  expect(error({ mount: ['type=bind,dst=/x'] }).message).toContain('source is missing');
  expect(error({ mount: ['type=bind,src=data,dst=/x'] }).message).toContain('absolute host path');
  expect(error({ mount: ['type=volume,src=/etc,dst=/x'] }).message).toContain('must be a volume name');
  expect(error({ mount: ['type=volume,src=data'] }).message).toContain('target is missing');
  expect(error({ mount: ['type=volume,src=data,dst=/x,readonly=maybe'] }).message).toContain('not true or false');
  expect(error({ volume: ['a1:/x'], tmpfs: ['/x'] }).message).toBe('duplicate mount point: /x');
});

test('--ulimit, --device, --shm-size, --label, --entrypoint, --init', () => {
  expect(opts({ ulimit: ['nofile=100:200', 'core=unlimited'] }).ulimits).toEqual([{ name: 'nofile', soft: 100, hard: 200 }, { name: 'core', soft: -1, hard: -1 }]);
  expect(error({ ulimit: ['nofile=200:100'] }).message).toContain('soft limit is above the hard limit');
  expect(error({ ulimit: ['nofile=1:99999999999'] }).message).toContain('needs CAP_SYS_RESOURCE');
  expect(error({ ulimit: ['bogus=1'] }).message).toContain('unknown limit "bogus"');
  expect(error({ ulimit: ['nofile'] }).message).toContain('NAME=SOFT[:HARD]');
  expect(opts({ device: ['/dev/null:/dev/n:rw'] }).devices).toEqual([{ path: '/dev/n', type: 'c', major: 1, minor: 3, fileMode: 0o666, access: 'rw' }]);
  expect(opts({ device: ['/dev/null:r'] }).devices![0]).toMatchObject({ path: '/dev/null', access: 'r' });
  expect(error({ device: ['/etc/passwd'] }).message).toContain('is not a device');
  expect(error({ device: ['/dev/nosuch'] }).message).toContain('no such file');
  expect(error({ device: ['/dev/null:/dev/n:rx'] }).message).toContain('permissions "rx"');
  expect(opts({ shmSize: '1m' }).shmSize).toBe(1048576);
  expect(error({ shmSize: 'big' }).message).toContain('--shm-size');
  expect(opts({ label: ['a=1', 'b'] }).labels).toEqual({ a: '1', b: '' });
  expect(error({ label: ['=x'] }).message).toContain('invalid label');
  expect(opts({ entrypoint: '' }).entrypoint).toBe('');
});

test('env: -e KEY=VAL, bare KEY from the host, env files with comments; later wins', () => {
  const dir = tempDir();
  const file = join(dir, 'env');
  writeFileSync(file, '# c\n\nA=1\r\nB=two words\n');
  process.env.ROCKER_UNIT_HOST = 'h';
  expect(opts({ envFile: [file], env: ['C=3', 'ROCKER_UNIT_HOST', 'ROCKER_UNIT_UNSET'] }).env).toEqual(['A=1', 'B=two words', 'C=3', 'ROCKER_UNIT_HOST=h']);
  expect(error({ envFile: [join(dir, 'nope')] }).message).toMatch(/cannot read env file .*nope: no such file/);
  expect(error({ env: ['=x'] }).message).toContain('invalid environment variable');
});

test('tmpfs, network, security options, caps, user, combinations', () => {
  expect(opts({ tmpfs: ['/run:size=64m,mode=1777'] }).tmpfs).toEqual([{ destination: '/run', options: ['size=64m', 'mode=1777'] }]);
  expect(error({ tmpfs: ['/run:exec;rm'] }).message).toContain('unknown option');
  expect(opts({}).network).toBe('bridge');
  expect(opts({ network: 'host' }).network).toBe('host');
  expect(opts({ network: 'none' }).network).toBe('none');
  expect(opts({ network: 'default' }).network).toBe('bridge');
  expect(error({ network: 'container:x' }).message).toContain('not supported');
  expect(error({ network: 'a b' }).message).toContain('invalid --network');
  expect(opts({ securityOpt: ['no-new-privileges'] }).noNewPrivileges).toBe(true);
  expect(opts({ securityOpt: ['no-new-privileges:false'] }).noNewPrivileges).toBe(false);
  expect(opts({}).seccomp).toBe('default');
  expect(opts({ securityOpt: ['seccomp=unconfined'] }).seccomp).toBe('unconfined');
  expect(opts({ securityOpt: ['seccomp:unconfined'] }).seccomp).toBe('unconfined');
  expect(opts({ privileged: true, securityOpt: ['seccomp=unconfined'] }).seccomp).toBe('unconfined');
  expect(opts({ securityOpt: ['label=disable', 'apparmor=unconfined'] }).apparmor).toBeUndefined();
  expect(opts({ securityOpt: ['systempaths=unconfined'] }).unmaskedPaths).toBe(true);
  expect(error({ securityOpt: ['label=type:svirt_t'] }).message).toContain('no SELinux support');
  expect(error({ securityOpt: ['bogus'] }).message).toContain('unsupported --security-opt "bogus"');
  expect(error({ securityOpt: ['no-new-privileges=maybe'] }).message).toContain('no-new-privileges[=true|false]');
  expect(error({ securityOpt: ['seccomp=/nonexistent/p.json'] }).exitCode).toBe(125);
  expect(opts({ capAdd: ['net_admin,sys_time'] }).capAdd).toEqual(['CAP_NET_ADMIN', 'CAP_SYS_TIME']);
  expect(error({ capAdd: ['FLY'] }).message).toContain('not a Linux capability');
  expect(error({ user: 'a:b:c' }).message).toContain('--user');
  expect(error({ workdir: 'rel' }).message).toContain('absolute');
  expect(error({ detach: true, tty: true }).message).toContain('-d cannot be combined');
});

test('networking flags: -p grammar, --add-host, --dns, and what needs a bridge network', () => {
  expect(opts({ publish: ['8080:80', '127.0.0.1:9090:90/udp', '7000', '0.0.0.0::53/udp'] }).publish).toEqual([
    { hostIp: '', hostPort: 8080, containerPort: 80, protocol: 'tcp' },
    { hostIp: '127.0.0.1', hostPort: 9090, containerPort: 90, protocol: 'udp' },
    { hostIp: '', hostPort: 0, containerPort: 7000, protocol: 'tcp' },
    { hostIp: '', hostPort: 0, containerPort: 53, protocol: 'udp' },
  ]);
  expect(error({ publish: ['80/sctp'] }).message).toContain('protocol "sctp"');
  expect(error({ publish: ['8000-8001:80'] }).message).toContain('ranges are not supported');
  expect(error({ publish: ['70000:80'] }).message).toContain('from 1 to 65535');
  expect(error({ publish: ['1.2.3:80:80'] }).message).toContain('not an IPv4 address');
  expect(error({ network: 'host', publish: ['80:80'] }).exitCode).toBe(125);
  expect(error({ network: 'none', publishAll: true }).message).toContain('--publish needs a bridge network');
  expect(opts({ addHost: ['db:10.0.0.5', 'host.docker.internal:host-gateway'] }).addHosts).toEqual(['db:10.0.0.5', 'host.docker.internal:host-gateway']);
  expect(error({ addHost: ['nocolon'] }).message).toContain('--add-host');
  expect(error({ network: 'none', addHost: ['h:host-gateway'] }).message).toContain('cannot reach the host');
  expect(opts({ dns: ['1.1.1.1'] }).dns).toEqual(['1.1.1.1']);
  expect(error({ dns: ['one'] }).message).toContain('invalid --dns');
  expect(error({ network: 'host', dns: ['1.1.1.1'] }).message).toContain('--dns needs a bridge network');
});

test('health: flags are a partial check the image completes; durations; --no-healthcheck', async () => {
  const { resolveHealth } = await import('../../src/engine/runtime/health.ts');
  expect(opts({ healthCmd: 'true', healthInterval: '1m30s', healthRetries: '2' }).health).toEqual({ test: ['CMD-SHELL', 'true'], interval: 90_000, timeout: undefined, retries: 2, startPeriod: undefined });
  expect(opts({ healthTimeout: '500ms' }).health).toMatchObject({ test: [], timeout: 500 });
  expect(opts({ healthcheck: false }).health).toEqual({ test: ['NONE'] });
  expect(error({ healthInterval: '5x' }).message).toContain('--health-interval');
  const image = { Healthcheck: { Test: ['CMD', 'check'], Interval: 5e9, Retries: 7 } };
  expect(resolveHealth(undefined, image)).toEqual({ test: ['CMD', 'check'], interval: 5000, timeout: 30_000, retries: 7, startPeriod: 0 });
  expect(resolveHealth({ test: [], timeout: 500 }, image)).toEqual({ test: ['CMD', 'check'], interval: 5000, timeout: 500, retries: 7, startPeriod: 0 });
  expect(resolveHealth({ test: ['NONE'] }, image)).toBeUndefined();
  expect(resolveHealth(undefined, {})).toBeUndefined();
});
