import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { UserError } from '../../common/errors.ts';
import type { Engine } from './types.ts';

function onPath(bin: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((d) => d && existsSync(join(d, bin)));
}

/**
 * Whether a Docker daemon is likely to answer, judged without a round trip
 * (the hot path must not pay for one): a configured DOCKER_HOST or context,
 * or the default socket exists. A stale socket is reported on first use.
 */
function dockerLikely(): boolean {
  if (!onPath(process.env.OCX_DOCKER_BIN || 'docker')) return false;
  const host = process.env.DOCKER_HOST;
  if (host) return host.startsWith('unix://') ? existsSync(host.slice(7)) : true;
  if (process.env.DOCKER_CONTEXT) return true;
  return existsSync('/var/run/docker.sock') || existsSync(`/run/user/${process.getuid?.()}/docker.sock`);
}

/** The engine for `engine` (config key / OCX_ENGINE). Adding rocker means one more case here. */
export async function selectEngine(choice: 'auto' | 'docker' | 'podman'): Promise<Engine> {
  if (choice === 'docker') return new (await import('./docker.ts')).DockerEngine();
  if (choice === 'podman') return new (await import('./podman.ts')).PodmanEngine();
  if (dockerLikely()) return new (await import('./docker.ts')).DockerEngine();
  if (onPath(process.env.OCX_PODMAN_BIN || 'podman')) return new (await import('./podman.ts')).PodmanEngine();
  if (onPath(process.env.OCX_DOCKER_BIN || 'docker')) return new (await import('./docker.ts')).DockerEngine();
  throw new UserError("no container engine found (tried docker, then podman): install Docker (apt-get install docker.io) and start it, or install Podman (apt-get install podman)");
}
