// What the runtime asks of a pod when a member is created or started: loaded
// only for containers with --pod, so other runs never load the pod code.
import { UserError } from '../../common/errors.ts';
import type { StorePaths } from '../paths.ts';
import { holdPod, type PodJoin } from './namespaces.ts';
import { findPod } from './store.ts';

/** The pod (`text`: a name or id) and its namespaces, made if it is not running, for the member about to start. */
export async function joinPod(paths: StorePaths, text: string): Promise<PodJoin & { id: string }> {
  const pod = findPod(paths, text);
  if (!pod) throw new UserError(`no such pod: ${text}`, 125);
  return { ...(await holdPod(paths, pod)), id: pod.id };
}
