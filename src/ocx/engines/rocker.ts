// rocker: a daemonless engine with Docker's command line. It runs as the
// user who calls it, on that user's store (rocker picks /var/lib/rocker for
// root, its rootless store otherwise), so nothing here chooses a store.
// Every call spawns `rocker` rather than calling its engine library in
// process: a query costs ~12 ms of CPU more that way (bench/README.md), and
// one code path (rocker's own) decides which store and user namespace apply.
// Rootless (any user but root): rocker maps the container's root onto the
// caller, so the session runs with `--userns keep-id` (the user's own uid
// and gid inside, as on Podman; workspace files stay theirs), and on pasta
// where ocx asks for the bridge network, which needs root.
import { UserError } from '../../common/errors.ts';
import { CliEngine } from './cli-engine.ts';
import type { RunSpec } from './types.ts';

const rootless = () => process.getuid?.() !== 0;

export class RockerEngine extends CliEngine {
  readonly name = 'rocker' as const;
  protected readonly bin = process.env.OCX_ROCKER_BIN || 'rocker';

  override async imageDiskUsage(): Promise<number | undefined> {
    // JSON gives bytes; the table rounds to 4 digits in binary units.
    const r = await this.cap(['system', 'df', '--format', 'json']);
    if (r.code !== 0) return undefined;
    const size = (JSON.parse(r.stdout) as { images?: { size?: unknown } }).images?.size;
    return typeof size === 'number' ? size : undefined;
  }

  override async networkExists(name: string): Promise<boolean> {
    // The default network is defined on first use: it always exists for a run.
    return name === 'bridge' || super.networkExists(name);
  }

  override runArgv(spec: RunSpec): string[] {
    return super.runArgv(rootless() && spec.network === 'bridge' ? { ...spec, network: 'pasta' } : spec);
  }

  protected override extraRunFlags(): string[] {
    return rootless() ? ['--userns', 'keep-id'] : [];
  }

  protected unavailable(detail: string, missing: boolean): UserError {
    if (missing) return new UserError(`no container engine: tried rocker (${detail}); install rocker (npm ci && npm run build && npm install -g . in its source tree)`);
    return new UserError(`rocker cannot be used (tried: rocker: ${detail})`);
  }
}
