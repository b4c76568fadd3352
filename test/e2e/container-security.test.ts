// A container's confinement beyond namespaces, through the real bin/rocker
// and runc: Docker's default seccomp profile, the opt-outs, --privileged,
// and profile files that must be refused before anything exists.
import { expect, test } from 'bun:test';
import { existsSync, lstatSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { containerSuite } from '../helpers/container-suite.ts';
import { dockerCli } from '../helpers/docker.ts';
import { busyboxTar, rocker } from '../helpers/rocker.ts';

const { env, root, dir } = containerSuite();

const run = (args: string[]) => rocker(['run', '--rm', ...args], env);
const containers = () => readdirSync(join(root, 'containers')).filter((e) => /^[0-9a-f]{64}$/.test(e));
const names = () => (existsSync(join(root, 'containers', '.names')) ? readdirSync(join(root, 'containers', '.names')) : []);
const profile = (name: string, content: string | object) => {
  const file = join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
};

// The same probe for rocker and Docker: seccomp mode, then whether a user namespace can be made.
const PROBE = 'grep "^Seccomp:" /proc/self/status; unshare -U true 2>/dev/null; echo "unshare=$?"';

test("a default container: Seccomp 2, no user namespace, /proc/timer_list and /sys/firmware masked, /proc/sys read-only, Docker's capabilities", () => {
  const r = run(['busybox', 'sh', '-c', `${PROBE}; head -c 1 /proc/timer_list | wc -c; ls /sys/firmware | wc -l; echo x 2>/dev/null > /proc/sys/kernel/domainname; echo "sys=$?"; grep ^CapEff /proc/self/status`]);
  expect(r.stderr).toBe('');
  expect(r.stdout).toBe('Seccomp:\t2\nunshare=1\n0\n0\nsys=1\nCapEff:\t00000000a80425fb\n');
});

test('seccomp=unconfined lifts the filter; --cap-add SYS_ADMIN opens what the profile gives that capability, as in Docker', () => {
  expect(run(['--security-opt', 'seccomp=unconfined', 'busybox', 'sh', '-c', PROBE]).stdout).toBe('Seccomp:\t0\nunshare=0\n');
  expect(run(['--cap-add', 'SYS_ADMIN', 'busybox', 'sh', '-c', PROBE]).stdout).toBe('Seccomp:\t2\nunshare=0\n');
  // Dropping capabilities keeps the filter: the profile follows the capability set.
  expect(run(['--cap-drop', 'ALL', 'busybox', 'sh', '-c', PROBE]).stdout).toBe('Seccomp:\t2\nunshare=1\n');
});

test('a profile file, in Docker format or as an OCI block, is what the container gets', () => {
  const docker = profile('deny-mkdir.json', {
    defaultAction: 'SCMP_ACT_ALLOW',
    archMap: [{ architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86'] }],
    syscalls: [
      { names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 1, comment: 'Docker-format comments are fine' },
      // Only without CAP_SYS_ADMIN, which the container does not have: this rule applies.
      { names: ['rmdir'], action: 'SCMP_ACT_ERRNO', errnoRet: 1, excludes: { caps: ['CAP_SYS_ADMIN'] } },
    ],
  });
  const script = 'mkdir /a; echo "mkdir=$?"; rmdir /tmp; echo "rmdir=$?"; grep "^Seccomp:" /proc/self/status';
  const r = run(['--security-opt', `seccomp=${docker}`, 'busybox', 'sh', '-c', script]);
  expect(r.stdout).toBe('mkdir=1\nrmdir=1\nSeccomp:\t2\n');
  expect(r.stderr).toMatch(/can't create directory '\/a': Operation not permitted/);
  const oci = profile('oci.json', { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 13 }] });
  expect(run(['--security-opt', `seccomp:${oci}`, 'busybox', 'sh', '-c', 'mkdir /a 2>&1; true']).stdout).toMatch(/Permission denied/);
});

test('--privileged: every capability rocker holds, no seccomp, the host devices, writable /sys, /proc unmasked', () => {
  const held = /^CapBnd:\s*(\w+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))![1];
  const hostDevice = readdirSync('/dev').find((n) => !['null', 'zero', 'full', 'random', 'urandom', 'tty', 'console', 'ptmx'].includes(n) && lstatSync(join('/dev', n)).isCharacterDevice())!;
  const script = `grep -E "^(CapEff|Seccomp):" /proc/self/status; test -c /dev/${hostDevice} && echo device; grep " /sys sysfs " /proc/mounts | cut -d" " -f4 | cut -d, -f1; head -c 1 /proc/timer_list | wc -c`;
  const r = run(['--privileged', '--cap-drop', 'ALL', 'busybox', 'sh', '-c', script]);
  expect(r.stdout).toBe(`CapEff:\t${held}\nSeccomp:\t0\ndevice\nrw\n1\n`);
  // A default container sees none of that.
  expect(run(['busybox', 'sh', '-c', `test -e /dev/${hostDevice} || echo none`]).stdout).toBe('none\n');
});

test('garbage and hostile profiles: one line naming the file and cause, exit 125, nothing left behind', () => {
  const cases: [string, string | object, RegExp][] = [
    ['garbage.json', 'garbage{', /not JSON/],
    ['notify.json', { defaultAction: 'SCMP_ACT_NOTIFY' }, /defaultAction: Invalid type: Expected .*"SCMP_ACT_ALLOW".* but received "SCMP_ACT_NOTIFY"/],
    // runc 1.1 would wait forever on an init killed before exec: refused up front.
    ['kill.json', { defaultAction: 'SCMP_ACT_KILL' }, /kills or traps execve/],
    ['args.json', { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW', args: [{ index: 7, value: 0, op: 'SCMP_CMP_EQ' }] }] }, /args\.0\.index/],
    ['huge.json', `{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[${'{"names":["read"],"action":"SCMP_ACT_ALLOW"},'.repeat(30000)}{"names":["read"],"action":"SCMP_ACT_ALLOW"}]}`, /more than a profile needs/],
  ];
  for (const [name, content, cause] of cases) {
    const file = profile(name, content);
    const r = run(['--name', 'hostile', '--security-opt', `seccomp=${file}`, 'busybox', 'true']);
    expect(r.code).toBe(125);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(cause);
    expect(r.stderr).toMatch(new RegExp(`^rocker: (invalid|cannot read) seccomp profile ${file}: `));
    expect(r.stderr.split('\n')).toHaveLength(2);
  }
  const missing = run(['--security-opt', `seccomp=${join(dir, 'nope.json')}`, 'busybox', 'true']);
  expect(missing).toMatchObject({ code: 125, stderr: `rocker: cannot read seccomp profile ${join(dir, 'nope.json')}: no such file or directory\n` });
  // A profile that denies (rather than kills) what the runtime needs fails cleanly too.
  const deny = profile('deny-all.json', { defaultAction: 'SCMP_ACT_ERRNO' });
  const denied = run(['--name', 'hostile', '--security-opt', `seccomp=${deny}`, 'busybox', 'true']);
  expect(denied.code).toBe(125);
  expect(denied.stderr.split('\n')).toHaveLength(2);
  expect(containers()).toEqual([]);
  expect(names()).toEqual([]);
});

test('--security-opt values rocker cannot honour here: one clear line, exit 125', () => {
  for (const [opt, text] of [
    ['label=type:svirt_t', 'rocker has no SELinux support'],
    ['apparmor=docker-default', 'AppArmor is not enabled on this host'],
    ['seccomp', 'unsupported --security-opt "seccomp"'],
    ['no-new-privileges=maybe', 'expected no-new-privileges[=true|false]'],
  ]) {
    const r = run(['--security-opt', opt!, 'busybox', 'true']);
    expect(r.code).toBe(125);
    expect(r.stderr).toStartWith('rocker: ');
    expect(r.stderr).toContain(text!);
    expect(r.stderr.split('\n')).toHaveLength(2);
  }
  expect(run(['--security-opt', 'label=disable', '--security-opt', 'apparmor=unconfined', '--security-opt', 'no-new-privileges', 'busybox', 'true']).code).toBe(0);
});

test("a process started by exec is confined as the container's own", () => {
  const id = rocker(['run', '-d', '--name', 'execd', 'busybox', 'sleep', '1000'], env).stdout.trim();
  expect(id).toMatch(/^[0-9a-f]{64}$/);
  expect(rocker(['exec', 'execd', 'sh', '-c', PROBE], env).stdout).toBe('Seccomp:\t2\nunshare=1\n');
  expect(rocker(['rm', '-f', 'execd'], env).code).toBe(0);
});

test('inspect shows the effective settings', () => {
  expect(rocker(['run', '--name', 'shown', '--privileged', 'busybox', 'true'], env).code).toBe(0);
  expect(rocker(['run', '--name', 'plain', '--security-opt', 'no-new-privileges', 'busybox', 'true'], env).code).toBe(0);
  const [priv, plain] = JSON.parse(rocker(['inspect', 'shown', 'plain'], env).stdout);
  // Docker's inspect shape: HostConfig.Privileged and the security options as given.
  expect(priv.HostConfig).toMatchObject({ Privileged: true, SecurityOpt: [] });
  expect(plain.HostConfig).toMatchObject({ Privileged: false, SecurityOpt: ['no-new-privileges'] });
  expect(rocker(['rm', 'shown', 'plain'], env).code).toBe(0);
});

test("Docker agrees on the same busybox: the same seccomp mode and the same user-namespace answer, default and unconfined", () => {
  const image = 'rocker-security-busybox:test';
  const imp = dockerCli(['import', busyboxTar(), image]);
  expect(imp.stderr).toBe('');
  try {
    for (const extra of [[], ['--security-opt', 'seccomp=unconfined']]) {
      const theirs = dockerCli(['run', '--rm', '--network', 'none', ...extra, image, 'sh', '-c', PROBE]);
      const ours = run([...extra, 'busybox', 'sh', '-c', PROBE]);
      expect(ours.stdout).toBe(theirs.stdout);
    }
  } finally {
    dockerCli(['rmi', image]);
  }
});
