// What a rootless container cannot have on this host: limits (warned about) and bridge networks (refused).
import { UserError } from '../../common/errors.ts';
import type { RunOptions } from '../container-store/record.ts';

const FLAGS: Record<keyof RunOptions['resources'], string> = {
  memory: '--memory',
  cpuShares: '--cpu-shares',
  cpusetCpus: '--cpuset-cpus',
  cpus: '--cpus',
  pidsLimit: '--pids-limit',
};

/**
 * The warning for limits that were asked for but cannot be enforced, as
 * Podman warns and runs: a rootless container gets no cgroup of its own
 * (cgroup v1 is never delegated to users, and rocker does not use v2
 * delegation yet), so nothing would apply them.
 */
export function unenforcedLimits(options: RunOptions): string | undefined {
  const asked = (Object.keys(FLAGS) as Array<keyof typeof FLAGS>).filter((k) => options.resources[k] !== undefined).map((k) => FLAGS[k]);
  if (!asked.length) return undefined;
  return `rootless containers get no cgroup on this host: ${asked.join(', ')} ignored (not enforced)`;
}

/**
 * Rootless containers have the host's network or none. Bridges need root
 * (veths, iptables); pasta and slirp4netns, Podman's rootless networks,
 * are not wired in yet, so no default is taken silently: the choice is named.
 */
export function checkRootlessNetwork(options: RunOptions, asked: string | undefined): void {
  if (options.network === 'none' || options.network === 'host') return;
  const what = asked === undefined ? 'have no default network yet' : `cannot use --network ${asked}`;
  throw new UserError(`rootless containers ${what} (bridge networks need root; pasta and slirp4netns are not supported yet): use --network none or --network host`, 125);
}
