import { UserError } from '../../common/errors.ts';
import { CliEngine } from './cli-engine.ts';

export class DockerEngine extends CliEngine {
  readonly name = 'docker' as const;
  protected readonly bin = process.env.OCX_DOCKER_BIN || 'docker';

  protected unavailable(detail: string, missing: boolean): UserError {
    if (missing) return new UserError(`no container engine: tried docker (${detail}); install Docker (apt-get install docker.io) or Podman (apt-get install podman)`);
    const where = process.env.DOCKER_HOST || 'unix:///var/run/docker.sock';
    return new UserError(`the Docker daemon at ${where} is not answering (tried: docker); start it with 'sudo systemctl start docker' (or 'sudo dockerd'), or use Podman with OCX_ENGINE=podman`);
  }
}
