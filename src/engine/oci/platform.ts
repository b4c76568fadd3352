import { UserError } from '../../common/errors.ts';
import { ociArch } from './config-blob.ts';
import type { Descriptor } from './schemas.ts';

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

/** The machine's platform, or `--platform os/arch[/variant]`. */
export function parsePlatform(text: string | undefined): Platform {
  if (!text) return { os: 'linux', architecture: ociArch() };
  const [os, architecture, variant, extra] = text.split('/');
  if (!os || !architecture || extra !== undefined) throw new UserError(`invalid platform "${text}": expected os/arch[/variant], e.g. linux/amd64`);
  return variant ? { os, architecture, variant } : { os, architecture };
}

export function formatPlatform(p: { os?: string; architecture?: string; variant?: string }): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

/** Does `have` satisfy `want`? A variant only has to match when both name one (arm64 is v8 either way). */
export function platformMatches(want: Platform, have: { os?: string; architecture?: string; variant?: string }): boolean {
  if (want.os !== have.os || want.architecture !== have.architecture) return false;
  return !want.variant || !have.variant || want.variant === have.variant;
}

/** The index entry for `want`; attestation manifests (platform unknown/unknown) never match. */
export function pickManifest(manifests: Descriptor[], want: Platform, what: string): Descriptor {
  const candidates = manifests.filter((m) => m.platform && platformMatches(want, m.platform));
  // Prefer an exact variant match, as containerd's platform matcher does.
  const exact = candidates.find((m) => m.platform?.variant === want.variant);
  const chosen = exact ?? candidates[0];
  if (chosen) return chosen;
  const available = manifests.map((m) => (m.platform ? formatPlatform(m.platform) : '')).filter((p) => p && !p.startsWith('unknown'));
  throw new UserError(`${what}: no image for ${formatPlatform(want)} (available: ${available.join(', ') || 'none'}); use --platform to choose`);
}
