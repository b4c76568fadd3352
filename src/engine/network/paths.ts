// Where networking keeps its files. Kept free of imports beyond node:path:
// lifecycle and ps check these paths on paths that must not load the
// network code (`run --network none`).
import { join } from 'node:path';
import { rootlessUid, type StorePaths } from '../paths.ts';

export function networkPaths(paths: StorePaths) {
  // Attachments, namespaces, address and port claims live under the run root:
  // the links, rules and namespaces they describe are gone after a reboot too.
  const run = join(paths.runRoot, 'net');
  return {
    /** Network definitions (`<name>.json`): persistent, as Docker's are. */
    configs: join(paths.root, 'networks'),
    attachments: join(run, 'attachments'),
    netns: join(run, 'netns'),
    /** host-local's dataDir: one directory of address reservations per network. */
    ipam: join(run, 'ipam'),
    ports: join(run, 'ports'),
    /** Networks whose bridge and isolation rules exist (one successful ADD). */
    ready: join(run, 'ready'),
    locks: join(run, 'locks'),
  };
}

/** A container's attachment record: present from before its namespace exists until everything is released. */
export function attachmentFile(paths: StorePaths, id: string): string {
  return join(paths.runRoot, 'net', 'attachments', `${id}.json`);
}

/** A pod member's network value: it joins the pod's namespace, which the pod attached once. */
export const POD_NETWORK = 'pod';

/** Whether a --network value means a CNI bridge network (the default `bridge` or a user network); a rootless container's `pasta` is not one. */
export function isBridgeNetwork(network: string): boolean {
  return network !== 'none' && network !== 'host' && network !== POD_NETWORK && !(network === 'pasta' && rootlessUid() !== undefined);
}
