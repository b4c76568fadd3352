// Docker's seccomp profile format to the OCI spec's linux.seccomp block.
// Docker's format is a superset of the OCI one: rule blocks may apply only
// to some architectures, capabilities or kernels, so a profile has to be
// resolved for each container's capability set on the host it runs on
// (moby profiles/seccomp/seccomp_linux.go, setupSeccomp, does the same).
import { release } from 'node:os';

export interface SeccompArg {
  index: number;
  value: number;
  valueTwo?: number;
  op: string;
}

export interface RuleFilter {
  caps?: string[];
  arches?: string[];
  minKernel?: string;
}

export interface DockerSyscallRule {
  name?: string;
  names?: string[];
  action: string;
  errnoRet?: number;
  args?: SeccompArg[] | null;
  includes?: RuleFilter;
  excludes?: RuleFilter;
}

export interface DockerProfile {
  defaultAction: string;
  defaultErrnoRet?: number;
  architectures?: string[];
  archMap?: { architecture: string; subArchitectures?: string[] | null }[];
  flags?: string[];
  syscalls?: DockerSyscallRule[] | null;
}

export interface OciSyscall {
  names: string[];
  action: string;
  errnoRet?: number;
  args?: SeccompArg[];
}

// A type, not an interface: it must fit the record schema's open object.
export type OciSeccomp = {
  defaultAction: string;
  defaultErrnoRet?: number;
  architectures?: string[];
  flags?: string[];
  syscalls: OciSyscall[];
};

/** Node's process.arch -> libseccomp's native name (the names profiles' includes/excludes use) and its SCMP_ARCH. */
const ARCHES: Record<string, [native: string, scmp: string]> = {
  x64: ['amd64', 'SCMP_ARCH_X86_64'],
  ia32: ['x86', 'SCMP_ARCH_X86'],
  arm64: ['arm64', 'SCMP_ARCH_AARCH64'],
  arm: ['arm', 'SCMP_ARCH_ARM'],
  ppc64: ['ppc64le', 'SCMP_ARCH_PPC64LE'],
  s390x: ['s390x', 'SCMP_ARCH_S390X'],
  riscv64: ['riscv64', 'SCMP_ARCH_RISCV64'],
};

export interface Host {
  /** process.arch spelling. */
  arch: string;
  /** uname -r. */
  kernel: string;
}

export const thisHost = (): Host => ({ arch: process.arch, kernel: release() });

/** "6.1.0-18-amd64" >= "4.8": only kernel and major revision count, as in Docker. */
export function kernelAtLeast(kernel: string, min: string): boolean {
  const [k = 0, m = 0] = kernel.split(/[.-]/).map((p) => parseInt(p, 10) || 0);
  const [mk = 0, mm = 0] = min.split('.').map(Number);
  return k > mk || (k === mk && m >= mm);
}

function applies(rule: DockerSyscallRule, caps: ReadonlySet<string>, native: string | undefined, kernel: string): boolean {
  const inc = rule.includes ?? {};
  const exc = rule.excludes ?? {};
  if (exc.arches?.length && native !== undefined && exc.arches.includes(native)) return false;
  if (exc.caps?.some((c) => caps.has(c))) return false;
  if (exc.minKernel && kernelAtLeast(kernel, exc.minKernel)) return false;
  if (inc.arches?.length && (native === undefined || !inc.arches.includes(native))) return false;
  if (inc.caps?.some((c) => !caps.has(c))) return false;
  if (inc.minKernel && !kernelAtLeast(kernel, inc.minKernel)) return false;
  return true;
}

/**
 * The OCI block for a container with these capabilities (its bounding set)
 * on this host. The profile must have been validated (both `name` and
 * `names`, or both `architectures` and `archMap`, are refused there).
 */
export function toOciSeccomp(profile: DockerProfile, caps: readonly string[], host: Host = thisHost()): OciSeccomp {
  const [native, scmp] = ARCHES[host.arch] ?? [];
  const capSet = new Set(caps);
  let architectures = profile.architectures;
  if (profile.archMap?.length && scmp) {
    const entry = profile.archMap.find((a) => a.architecture === scmp);
    if (entry) architectures = [entry.architecture, ...(entry.subArchitectures ?? [])];
  }
  const syscalls: OciSyscall[] = [];
  for (const rule of profile.syscalls ?? []) {
    if (!applies(rule, capSet, native, host.kernel)) continue;
    const names = rule.names ?? (rule.name !== undefined ? [rule.name] : []);
    if (names.length === 0) continue;
    const out: OciSyscall = { names, action: rule.action };
    if (rule.errnoRet !== undefined) out.errnoRet = rule.errnoRet;
    if (rule.args?.length) out.args = rule.args;
    syscalls.push(out);
  }
  const oci: OciSeccomp = { defaultAction: profile.defaultAction, syscalls };
  if (profile.defaultErrnoRet !== undefined) oci.defaultErrnoRet = profile.defaultErrnoRet;
  if (architectures?.length) oci.architectures = architectures;
  if (profile.flags?.length) oci.flags = profile.flags;
  return oci;
}
