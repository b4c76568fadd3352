// The host's devices, which Docker's --privileged gives a container in its /dev.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface LinuxDevice {
  path: string;
  type: 'c' | 'b';
  major: number;
  minor: number;
  fileMode: number;
  uid: number;
  gid: number;
}

// As runc's HostDevices: mount points and per-process views, not devices to copy.
const SKIP_DIRS = new Set(['pts', 'shm', 'fd', 'mqueue', '.lxc', '.lxd-mounts', '.udev']);

/** Every character and block device under the host's /dev, for a privileged container's /dev. */
export function hostDevices(dir = '/dev'): LinuxDevice[] {
  const out: LinuxDevice[] = [];
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name)) out.push(...hostDevices(path));
      continue;
    }
    if ((!e.isCharacterDevice() && !e.isBlockDevice()) || path === '/dev/console') continue;
    let st;
    try {
      st = statSync(path, { bigint: true });
    } catch {
      continue; // gone meanwhile (hot-unplug)
    }
    // Linux's dev_t encoding (major: bits 8-19 and 32-43; minor: bits 0-7 and 20-31).
    const rdev = st.rdev;
    const major = Number(((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn));
    const minor = Number((rdev & 0xffn) | ((rdev >> 12n) & ~0xffn));
    out.push({ path, type: e.isCharacterDevice() ? 'c' : 'b', major, minor, fileMode: Number(st.mode & 0o7777n), uid: Number(st.uid), gid: Number(st.gid) });
  }
  return out;
}
