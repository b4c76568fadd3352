// Linux capabilities of a container: Docker's defaults, --cap-add/--cap-drop, --privileged.
import { readFileSync } from 'node:fs';
import type { RunOptions } from '../container-store/record.ts';

// Docker's default capability set (moby/oci/caps/defaults.go).
export const DEFAULT_CAPS = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE',
];

/** "NET_ADMIN", "cap_net_admin" and "ALL" as capability names. */
export function normalizeCap(name: string): string {
  const up = name.toUpperCase();
  return up === 'ALL' || up.startsWith('CAP_') ? up : `CAP_${up}`;
}

export function capabilitySet(add: string[], drop: string[]): string[] {
  const adds = add.map(normalizeCap);
  const drops = drop.map(normalizeCap);
  let caps = adds.includes('ALL') ? heldCaps() : [...DEFAULT_CAPS, ...adds];
  caps = drops.includes('ALL') ? caps.filter((c) => adds.includes(c)) : caps.filter((c) => !drops.includes(c));
  return [...new Set(caps)];
}

/** The container's bounding set: everything when privileged (Docker ignores --cap-add/--cap-drop then). */
export function containerCaps(o: Pick<RunOptions, 'capAdd' | 'capDrop' | 'privileged'>): string[] {
  return o.privileged ? heldCaps() : capabilitySet(o.capAdd, o.capDrop);
}

let held: string[] | undefined;

/**
 * The capabilities rocker's own bounding set has: "all" for a container
 * means these, since the runtime cannot grant more than it holds (some
 * hosts withhold CAP_SYS_RESOURCE, for one).
 */
export function heldCaps(): string[] {
  if (held) return [...held];
  const m = /^CapBnd:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'));
  const bits = m ? BigInt(`0x${m[1]}`) : 0n;
  held = ALL_CAPS.filter((_, i) => (bits >> BigInt(i)) & 1n);
  return [...held];
}

/** In the kernel's numbering: a capability's index is its bit in /proc/PID/status. */
export const ALL_CAPS = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE', 'CAP_NET_BROADCAST', 'CAP_NET_ADMIN',
  'CAP_NET_RAW', 'CAP_IPC_LOCK', 'CAP_IPC_OWNER', 'CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE',
  'CAP_SYS_PACCT', 'CAP_SYS_ADMIN', 'CAP_SYS_BOOT', 'CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE', 'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL', 'CAP_SETFCAP',
  'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG', 'CAP_WAKE_ALARM', 'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ',
  // Linux 5.8 and 5.9; runc skips, with a warning in its log, the ones an older kernel lacks.
  'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
];

