// --userns keep-id: a container's own user namespace inside the user's, in
// which the user's uid and gid are their own numbers (Podman's keep-id).
// The user's namespace has the user as 0 and their subordinate ids as
// 1..N; the container's maps its uid U to that 0, its 0..U-1 to 1..U and
// U+1.. to themselves, so every id of the user's namespace is used once.
import { readFileSync } from 'node:fs';
import { UserError } from '../../common/errors.ts';

export interface IdMapping {
  containerID: number;
  hostID: number;
  size: number;
}

/** How many ids the user namespace rocker runs in has (its map, as seen from inside). */
function namespaceSize(file: string): number {
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).reduce((n, l) => n + Number(l.trim().split(/\s+/)[2] ?? 0), 0);
}

export function keepIdMapping(id: number, size: number, what: string): IdMapping[] {
  if (id < 1 || id >= size) throw new UserError(`--userns keep-id: your ${what} ${id} is outside the ${size} ids your user namespace has (see /etc/sub${what}): it cannot be kept`, 125);
  return [
    { containerID: 0, hostID: 1, size: id },
    { containerID: id, hostID: 0, size: 1 },
    ...(id + 1 < size ? [{ containerID: id + 1, hostID: id + 1, size: size - id - 1 }] : []),
  ];
}

/** The OCI spec's linux.uidMappings and gidMappings for the user's uid and gid. */
export function keepIdMappings(uid: number, gid: number): { uidMappings: IdMapping[]; gidMappings: IdMapping[] } {
  return {
    uidMappings: keepIdMapping(uid, namespaceSize('/proc/self/uid_map'), 'uid'),
    gidMappings: keepIdMapping(gid, namespaceSize('/proc/self/gid_map'), 'gid'),
  };
}
