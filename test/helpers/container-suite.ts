// The set-up every container test file shares: a temporary store with
// busybox imported, and at the end every container removed and the host's
// mounts, cgroups and processes back to where they were.
import { afterAll, beforeAll, expect } from 'bun:test';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { forceCleanup, hostSnapshot, leaksSince, type HostSnapshot } from './leaks.ts';
import { busyboxTar, rocker, tempStore } from './rocker.ts';

export function containerSuite() {
  const store = tempStore();
  const dir = join(store.root, '..');
  const state: { before?: HostSnapshot } = {};
  beforeAll(() => {
    // Mounts and processes of this store only: other test runs share the machine.
    state.before = hostSnapshot(dir);
    const r = rocker(['import', busyboxTar(), 'busybox'], store.env);
    if (r.code !== 0) throw new Error(`import failed: ${r.stderr}`);
  });
  afterAll(() => {
    try {
      const ids = rocker(['ps', '-aq'], store.env).stdout.split('\n').filter(Boolean);
      if (ids.length) rocker(['rm', '-f', ...ids], store.env);
      // The bridge and the shared CNI chains stay until their network is removed (the default one too).
      expect(rocker(['network', 'prune'], store.env).code).toBe(0);
      expect(readdirSync(join(store.root, 'containers')).filter((e) => e !== '.names')).toEqual([]);
      expect(leaks()).toEqual({ mounts: [], cgroups: [], processes: [], network: [] });
    } finally {
      forceCleanup(dir);
      store.cleanup();
    }
  });
  /**
   * What this store's containers added to the host since the file's first
   * test. An empty cgroup may be another run's container being deleted
   * controller by controller: looked at again for up to 3 s.
   */
  const leaks = () => {
    let found = leaksSince(state.before!, hostSnapshot(dir));
    for (let i = 0; i < 30 && found.cgroups.length; i++) {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
      found = leaksSince(state.before!, hostSnapshot(dir));
    }
    return found;
  };
  return { ...store, dir, leaks };
}
