import { expect, test } from 'bun:test';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { generate, TARGET } from '../../scripts/seccomp-profile.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kernelAtLeast, toOciSeccomp, type DockerProfile } from '../../src/engine/runtime/seccomp/convert.ts';
import { DOCKER_DEFAULT_PROFILE } from '../../src/engine/runtime/seccomp/default.ts';
import { checkProfile, readProfileFile } from '../../src/engine/runtime/seccomp/file.ts';
import { DEFAULT_CAPS } from '../../src/engine/runtime/capabilities.ts';

const amd64 = { arch: 'x64', kernel: '6.1.0-18-amd64' };
const names = (p: { syscalls: { names: string[] }[] }) => p.syscalls.flatMap((r) => r.names);
const DEBIAN_SOURCE = '/usr/share/gocode/src/github.com/docker/docker/profiles/seccomp/default.json';

test("the shipped default is Debian's Docker profile, checked and without comments", () => {
  const shipped = JSON.parse(readFileSync(join(import.meta.dir, '../../src/engine/runtime/seccomp/default.json'), 'utf8'));
  expect(shipped.source).toContain('golang-github-docker-docker-dev');
  expect(checkProfile(shipped.profile)).toBeDefined();
  // Up to date with the package, where it is installed (scripts/setup.sh installs it).
  if (existsSync(DEBIAN_SOURCE)) expect(generate()).toBe(readFileSync(TARGET, 'utf8'));
  expect(DOCKER_DEFAULT_PROFILE.syscalls!.length).toBeGreaterThan(20);
});

test("Docker's default for amd64 and Docker's capabilities: x86 arches, ERRNO default, no unshare/mount, clone without namespace flags", () => {
  const p = toOciSeccomp(DOCKER_DEFAULT_PROFILE, DEFAULT_CAPS, amd64);
  expect(p.defaultAction).toBe('SCMP_ACT_ERRNO');
  expect(p.architectures).toEqual(['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
  for (const n of ['read', 'arch_prctl', 'ptrace', 'chroot']) expect(names(p)).toContain(n);
  for (const n of ['unshare', 'mount', 'setns', 'bpf', 'reboot', 's390_runtime_instr', 'sync_file_range2']) expect(names(p)).not.toContain(n);
  const clone = p.syscalls.filter((r) => r.names.includes('clone'));
  expect(clone).toEqual([{ names: ['clone'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 2114060288, op: 'SCMP_CMP_MASKED_EQ' }] }]);
  // clone3 gets ENOSYS so that libc falls back to clone, whose flags the filter can see.
  expect(p.syscalls).toContainEqual({ names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 });
});

test('capabilities, arches and kernels select rules as in Docker', () => {
  const admin = toOciSeccomp(DOCKER_DEFAULT_PROFILE, [...DEFAULT_CAPS, 'CAP_SYS_ADMIN'], amd64);
  expect(names(admin)).toContain('unshare');
  expect(admin.syscalls.some((r) => r.names.includes('clone3') && r.errnoRet === 38)).toBe(false);
  expect(names(toOciSeccomp(DOCKER_DEFAULT_PROFILE, DEFAULT_CAPS, { arch: 'arm64', kernel: '6.1' }))).toContain('arm_fadvise64_64');
  expect(toOciSeccomp(DOCKER_DEFAULT_PROFILE, DEFAULT_CAPS, { arch: 'arm64', kernel: '6.1' }).architectures).toEqual(['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM']);
  expect(names(toOciSeccomp(DOCKER_DEFAULT_PROFILE, DEFAULT_CAPS, { arch: 'x64', kernel: '4.4.0' }))).not.toContain('ptrace');
  expect(kernelAtLeast('4.8.0-rc1', '4.8')).toBe(true);
  expect(kernelAtLeast('4.10', '4.8')).toBe(true);
  expect(kernelAtLeast('3.19', '4.8')).toBe(false);
});

test('an OCI block passes through unchanged', () => {
  const oci: DockerProfile = { defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_X86_64'], syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }] };
  expect(toOciSeccomp(checkProfile(oci), DEFAULT_CAPS, amd64)).toEqual(oci as never);
});

test('profile files: garbage, wrong types, notify, kill-by-default, too big, both forms: one line naming the file and cause, exit 125', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rocker-seccomp-'));
  try {
    const cases: [string, string | object, RegExp][] = [
      ['garbage', 'garbage{', /not JSON/],
      ['empty', {}, /defaultAction/],
      ['notify', { defaultAction: 'SCMP_ACT_NOTIFY' }, /defaultAction: Invalid type: Expected .*"SCMP_ACT_ALLOW".* but received "SCMP_ACT_NOTIFY"/],
      ['listener', { defaultAction: 'SCMP_ACT_ALLOW', listenerPath: '/run/x.sock' }, /listenerPath/],
      ['kill', { defaultAction: 'SCMP_ACT_KILL' }, /kills or traps execve/],
      ['kill-exec', { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['capset'], action: 'SCMP_ACT_KILL_PROCESS' }] }, /capset/],
      ['argindex', { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW', args: [{ index: 9, value: 1, op: 'SCMP_CMP_EQ' }] }] }, /syscalls.0.args.0.index/],
      ['bigvalue', { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 2 ** 60, op: 'SCMP_CMP_EQ' }] }] }, /value/],
      ['badname', { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['rm -rf'], action: 'SCMP_ACT_ALLOW' }] }, /names.0/],
      ['bothforms', { defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_X86_64'], archMap: [{ architecture: 'SCMP_ARCH_X86_64' }] }, /both "architectures" and "archMap"/],
      ['big', `{"defaultAction":"SCMP_ACT_ALLOW","x":"${'a'.repeat(1100 * 1024)}"}`, /more than a profile needs/],
    ];
    for (const [name, content, cause] of cases) {
      const file = join(dir, `${name}.json`);
      writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
      let err: any;
      try {
        readProfileFile(file);
      } catch (e) {
        err = e;
      }
      expect(err?.exitCode).toBe(125);
      expect(err.message).toContain(file);
      expect(err.message).toMatch(cause);
      expect(err.message).not.toContain('\n');
    }
    expect(() => readProfileFile(dir)).toThrow(/not a regular file/);
    const fifo = join(dir, 'fifo.json');
    spawnSync('mkfifo', [fifo]);
    expect(() => readProfileFile(fifo)).toThrow(/not a regular file/);
    expect(() => readProfileFile(join(dir, 'none.json'))).toThrow(/no such file/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
