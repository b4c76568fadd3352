import { UserError } from '../../common/errors.ts';
import { CliEngine } from './cli-engine.ts';

export class PodmanEngine extends CliEngine {
  readonly name = 'podman' as const;
  protected readonly bin = process.env.OCX_PODMAN_BIN || 'podman';

  protected override extraRunFlags(): string[] {
    // Rootless Podman maps the container user onto ours, so workspace files stay owned by us.
    return process.getuid?.() === 0 ? [] : ['--userns', 'keep-id'];
  }

  protected unavailable(detail: string, missing: boolean): UserError {
    if (missing) return new UserError(`no container engine: tried podman (${detail}); install Podman (apt-get install podman) or Docker (apt-get install docker.io)`);
    return new UserError(`Podman is not answering (tried: podman: ${detail}); on macOS/Windows start its machine with 'podman machine start'`);
  }
}
