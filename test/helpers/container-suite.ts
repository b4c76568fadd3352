// The set-up every container test file shares: a temporary store with
// busybox imported, and at the end every container removed and the host's
// mounts, cgroups, processes and network back to where they were.
import { afterAll, beforeAll, expect } from 'bun:test';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { forceCleanup, hostSnapshot, leaksSince, watchContainerIds, type HostSnapshot } from './leaks.ts';
import { busyboxTar, rocker, tempStore } from './rocker.ts';

export function containerSuite() {
  const store = tempStore();
  const dir = join(store.root, '..');
  const state: { before?: HostSnapshot } = {};
  const ids = watchContainerIds(join(store.root, 'containers'));
  /**
   * What this file's containers left on the host since its start: mounts, cgroups, processes.
   * All scoped to this file's store (its directory names its mounts and processes): other
   * suites, in other worktrees too, run on the machine meanwhile.
   */
  const leaks = async () => leaksSince(state.before!, hostSnapshot(dir, await ids.settled()));
  beforeAll(() => {
    state.before = hostSnapshot(dir);
    const r = rocker(['import', busyboxTar(), 'busybox'], store.env);
    if (r.code !== 0) throw new Error(`import failed: ${r.stderr}`);
  });
  afterAll(async () => {
    try {
      // Pods hold namespaces (and their network) beyond their containers: removed first, with their members.
      const pods = rocker(['pod', 'ls', '-q'], store.env).stdout.split('\n').filter(Boolean);
      if (pods.length) rocker(['pod', 'rm', '-f', ...pods], store.env);
      const left = rocker(['ps', '-aq'], store.env).stdout.split('\n').filter(Boolean);
      if (left.length) rocker(['rm', '-f', ...left], store.env);
      // The bridge and the shared CNI chains stay until their network is removed (the default one too).
      expect(rocker(['network', 'prune'], store.env).code).toBe(0);
      expect(readdirSync(join(store.root, 'containers')).filter((e) => e !== '.names')).toEqual([]);
      expect(await leaks()).toEqual({ mounts: [], cgroups: [], processes: [], network: [] });
    } finally {
      ids.close();
      forceCleanup(dir);
      store.cleanup();
    }
  });
  return { ...store, dir, leaks };
}
