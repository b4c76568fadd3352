import { readFileSync } from 'node:fs';
import { UserError } from '../../common/errors.ts';
import { CliEngine } from './cli-engine.ts';

export class PodmanEngine extends CliEngine {
  readonly name = 'podman' as const;
  protected readonly bin = process.env.OCX_PODMAN_BIN || 'podman';

  protected override extraRunFlags(): string[] {
    // Rootless Podman maps the container user onto ours, so workspace files stay owned by us.
    const flags = process.getuid?.() === 0 ? [] : ['--userns', 'keep-id'];
    return [...flags, ...hostUlimits()];
  }

  protected override tmpfsOptions(options: string): string {
    // Podman refuses uid=/gid= on tmpfs; a sticky world-writable tmpfs serves the same user.
    const opts = options.split(',');
    const kept = opts.filter((o) => !/^(uid|gid)=/.test(o));
    if (kept.length !== opts.length && !kept.some((o) => o.startsWith('mode='))) kept.push('mode=1777');
    return kept.join(',');
  }

  protected unavailable(detail: string, missing: boolean): UserError {
    if (missing) return new UserError(`no container engine: tried podman (${detail}); install Podman (apt-get install podman) or Docker (apt-get install docker.io)`);
    const at = process.env.CONTAINER_HOST ? ` at ${process.env.CONTAINER_HOST} (CONTAINER_HOST)` : '';
    return new UserError(`Podman${at} is not answering (tried: podman: ${detail}); on macOS/Windows start its machine with 'podman machine start'`);
  }
}

/**
 * Our own open-file and process limits, passed on: Podman otherwise raises
 * them to its defaults, which fails ("error setting rlimit ... operation not
 * permitted") where the host caps them lower. Process counts are capped at
 * 32768: Podman 4.3 on Debian 12 failed the same way above that even when our
 * own limit was higher (and pids_limit bounds the container far lower anyway).
 */
export function hostUlimits(): string[] {
  let text = '';
  try {
    text = readFileSync('/proc/self/limits', 'utf8');
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const [label, name] of [['Max open files', 'nofile'], ['Max processes', 'nproc']] as const) {
    const m = new RegExp(`^${label}\\s+(\\d+)\\s+(\\d+)`, 'm').exec(text);
    if (!m) continue;
    const cap = (v: string) => (name === 'nproc' ? String(Math.min(Number(v), 32768)) : v);
    out.push('--ulimit', `${name}=${cap(m[1]!)}:${cap(m[2]!)}`);
  }
  return out;
}
