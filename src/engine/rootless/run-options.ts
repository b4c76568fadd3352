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
 * A rootless container's network: pasta by default (Podman's), or the
 * host's, or none. Bridges need root (veths, iptables, a CNI state that is
 * root's), so they are refused with the choices. Returns the options with
 * the network settled.
 */
export async function rootlessNetwork(options: RunOptions, asked: string | undefined): Promise<RunOptions> {
  if (options.network === 'none' || options.network === 'host') return options;
  if (asked !== undefined && options.network !== 'pasta') {
    throw new UserError(`rootless containers cannot use --network ${asked}: use pasta (the default), host or none (bridge networks need root; slirp4netns is not supported)`, 125);
  }
  (await import('./pasta.ts')).checkPasta(options);
  return { ...options, network: 'pasta' };
}
