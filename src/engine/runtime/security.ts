// `--security-opt` and `--privileged`: what confines a container beyond its
// namespaces. Parsed and checked before anything is created, so a bad option
// or profile leaves nothing behind.
import { readFileSync } from 'node:fs';
import { UserError } from '../../common/errors.ts';
import type { RunOptions } from '../container-store/record.ts';
import { toOciSeccomp } from './seccomp/convert.ts';
import { readProfileFile } from './seccomp/file.ts';

const bad = (msg: string) => new UserError(msg, 125);

type Security = Pick<RunOptions, 'noNewPrivileges' | 'seccomp' | 'unmaskedPaths' | 'apparmor'>;

function appArmorEnabled(): boolean {
  try {
    return readFileSync('/sys/module/apparmor/parameters/enabled', 'utf8').trim() === 'Y';
  } catch {
    return false;
  }
}

/** A profile the kernel has loaded; runc would otherwise fail after the container's files exist. */
function appArmorProfile(name: string, opt: string): string | undefined {
  if (name === 'unconfined') return undefined;
  if (!appArmorEnabled()) throw bad(`unsupported --security-opt "${opt}": AppArmor is not enabled on this host (only apparmor=unconfined is accepted)`);
  const loaded = readFileSync('/sys/kernel/security/apparmor/profiles', 'utf8').split('\n').map((l) => l.replace(/ \(\w+\)$/, ''));
  if (!loaded.includes(name)) throw bad(`invalid --security-opt "${opt}": AppArmor profile "${name}" is not loaded`);
  return name;
}

/**
 * Docker's spellings: KEY=VALUE, the older KEY:VALUE, and a bare
 * no-new-privileges. `caps` is the container's bounding set, which decides
 * the rules a Docker-format profile file contributes.
 */
export function securityOptions(opts: string[], caps: readonly string[], privileged: boolean): Security {
  const out: Security = { noNewPrivileges: false, seccomp: privileged ? 'unconfined' : 'default' };
  for (const opt of opts) {
    const sep = opt.includes('=') ? '=' : ':';
    const at = opt.indexOf(sep);
    const key = at < 0 ? opt : opt.slice(0, at);
    const value = at < 0 ? undefined : opt.slice(at + 1);
    if (key === 'no-new-privileges') {
      if (value !== undefined && value !== 'true' && value !== 'false') throw bad(`invalid --security-opt "${opt}": expected no-new-privileges[=true|false]`);
      out.noNewPrivileges = value !== 'false';
    } else if (key === 'seccomp' && value) {
      // A privileged container runs without seccomp, as in Docker; a given file is still checked.
      const chosen = value === 'unconfined' ? 'unconfined' : { file: value, profile: toOciSeccomp(readProfileFile(value), caps) };
      if (!privileged) out.seccomp = chosen;
    } else if (key === 'apparmor' && value) {
      out.apparmor = appArmorProfile(value, opt);
    } else if (key === 'label' && value) {
      if (value !== 'disable') throw bad(`unsupported --security-opt "${opt}": rocker has no SELinux support (label=disable is accepted)`);
    } else if (key === 'systempaths' && value) {
      if (value !== 'unconfined') throw bad(`invalid --security-opt "${opt}": the only value is systempaths=unconfined`);
      out.unmaskedPaths = true;
    } else {
      throw bad(`unsupported --security-opt "${opt}": use no-new-privileges, seccomp=unconfined|FILE, apparmor=, label=disable or systempaths=unconfined`);
    }
  }
  return out;
}
