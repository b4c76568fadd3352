// The subordinate ids (/etc/subuid, /etc/subgid) a user may map into their user namespace.
import { readFileSync } from 'node:fs';
import { UserError } from '../../common/errors.ts';

export interface IdRange {
  start: number;
  count: number;
}

/** Enough for the ids images use (nobody is 65534); Podman and useradd give 65536 by default. */
export const WANTED_IDS = 65536;

/**
 * The first range of `file` for the user, named or numbered, as shadow's
 * newuidmap accepts either. Throws a one-line message naming the line to add.
 */
export function subordinateIds(file: '/etc/subuid' | '/etc/subgid', user: string, id: number): IdRange {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    // missing: the same message as a missing line
  }
  for (const line of text.split('\n')) {
    const [who, start, count] = line.trim().split(':');
    if ((who === user || who === String(id)) && /^\d+$/.test(start ?? '') && /^\d+$/.test(count ?? '') && Number(count) > 0) {
      return { start: Number(start), count: Number(count) };
    }
  }
  const kind = file === '/etc/subuid' ? 'subuids' : 'subgids';
  throw new UserError(`rootless mode: no line for ${user} in ${file}: add one such as "${user}:100000:${WANTED_IDS}" (as root: usermod --add-${kind} 100000-${100000 + WANTED_IDS - 1} ${user})`);
}
