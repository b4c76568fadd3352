// What the runtime asks of a pod when a member is created or started: loaded
// only for containers with --pod, so other runs never load the pod code.
import { UserError } from '../../common/errors.ts';
import type { StorePaths } from '../paths.ts';
import { holdPod, type PodJoin } from './namespaces.ts';
import type { PodRecord } from './record.ts';
import { findPod } from './store.ts';

export { holdPod, type PodJoin };

/** The pod `text` (a name or id) names, for a container about to join it. */
export function podFor(paths: StorePaths, text: string): PodRecord {
  const pod = findPod(paths, text);
  if (!pod) throw new UserError(`no such pod: ${text}`, 125);
  return pod;
}

/** The pod's namespaces, made if it is not running, for the member about to start. */
export async function joinPod(paths: StorePaths, text: string): Promise<PodJoin> {
  return holdPod(paths, podFor(paths, text));
}
