import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { UserError } from '../../common/errors.ts';
import type { ContainerEngine } from './types.ts';

function onPath(bin: string): boolean {
  if (bin.includes('/')) return existsSync(bin);
  return (process.env.PATH ?? '').split(delimiter).some((d) => d && existsSync(join(d, bin)));
}

/**
 * Why Docker is unlikely to answer, judged without a round trip (the hot path
 * must not pay for one), or undefined when it is likely: a Docker context or
 * the default socket exists. A stale socket is reported on first use.
 */
function dockerUnlikely(): string | undefined {
  if (!onPath(process.env.OCX_DOCKER_BIN || 'docker')) return `${process.env.OCX_DOCKER_BIN || 'docker'} is not installed`;
  if (process.env.DOCKER_CONTEXT) return undefined;
  const socks = ['/var/run/docker.sock', `/run/user/${process.getuid?.()}/docker.sock`];
  return socks.some((s) => existsSync(s)) ? undefined : `no Docker daemon socket at ${socks.join(' or ')}`;
}

const docker = async () => new (await import('./docker.ts')).DockerEngine();
const podman = async () => new (await import('./podman.ts')).PodmanEngine();
const rocker = async () => new (await import('./rocker.ts')).RockerEngine();

/** The engine for `engine` (config key / OCX_ENGINE). */
export async function selectEngine(choice: 'auto' | 'docker' | 'podman' | 'rocker'): Promise<ContainerEngine> {
  if (choice === 'docker') return docker();
  if (choice === 'podman') return podman();
  if (choice === 'rocker') return rocker();
  // A set DOCKER_HOST or CONTAINER_HOST names the engine: use it, or fail with its reason,
  // never build hundreds of megabytes into the other engine's store instead.
  if (process.env.DOCKER_HOST) return docker();
  if (process.env.CONTAINER_HOST) return podman();
  const why = dockerUnlikely();
  if (!why) return docker();
  if (onPath(process.env.OCX_PODMAN_BIN || 'podman')) {
    process.stderr.write(`note: engine "auto" chose Podman (${why}); set "engine": "podman" in ocx.json or OCX_ENGINE=podman to choose it yourself\n`);
    return podman();
  }
  // rocker needs no daemon: installed is enough.
  if (onPath(process.env.OCX_ROCKER_BIN || 'rocker')) {
    process.stderr.write(`note: engine "auto" chose rocker (${why}, podman is not installed); set "engine": "rocker" in ocx.json or OCX_ENGINE=rocker to choose it yourself\n`);
    return rocker();
  }
  if (onPath(process.env.OCX_DOCKER_BIN || 'docker')) return docker();
  throw new UserError("no container engine found (tried docker, podman, then rocker): install Docker (apt-get install docker.io) and start it, Podman (apt-get install podman), or rocker");
}
