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
    state.before = hostSnapshot();
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
      expect(leaksSince(state.before!)).toEqual({ mounts: [], cgroups: [], processes: [], network: [] });
    } finally {
      forceCleanup(dir);
      store.cleanup();
    }
  });
  /** The host as it was before the file's first test. */
  const before = () => state.before!;
  return { ...store, dir, before };
}
