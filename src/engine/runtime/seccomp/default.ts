// Docker's default profile as shipped (default.json, written at build time by
// scripts/seccomp-profile.ts): bundled into the binary, so a start reads no
// file and parses nothing; it only picks the rules for the container's
// capabilities.
import shipped from './default.json' with { type: 'json' };
import { toOciSeccomp, type DockerProfile, type OciSeccomp } from './convert.ts';

export const DOCKER_DEFAULT_PROFILE = shipped.profile as DockerProfile;

export function defaultSeccomp(caps: readonly string[]): OciSeccomp {
  return toOciSeccomp(DOCKER_DEFAULT_PROFILE, caps);
}
