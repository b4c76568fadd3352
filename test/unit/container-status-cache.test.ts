// A listing keeps an exit as "settled" only when no restart was pending: a
// container waiting out its back-off must still show as restarting on every
// later listing, and show as exited once its monitor has given up, without
// a stale answer from the cache either way.
import { afterAll, expect, test } from 'bun:test';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { procStartTime } from '../../src/engine/container-store/proc.ts';
import { containerStatus } from '../../src/engine/container-store/status.ts';
import { scanContainers } from '../../src/engine/container-store/store.ts';
import { removeTempStores, tempContainer } from '../helpers/temp-store.ts';

afterAll(removeTempStores);

/** Past the cache's 100 ms "too recent to keep" window, so that a listing keeps what it reads. */
const aged = () => Bun.sleepSync(150);

function restartingContainer() {
  const { paths, id, files } = tempContainer('rocker-status-cache-', 'b'.repeat(64));
  writeFileSync(files.record, JSON.stringify({ id, name: 'c', created: new Date().toISOString(), image: { name: 'i', tag: 'latest', digest: `sha256:${'c'.repeat(64)}`, id: 'c'.repeat(12) }, layers: [], command: ['true'] }));
  // The monitor (this test's own process) waits out a back-off: `restarting`, then the exit, as it writes them.
  writeFileSync(files.monitor, `${process.pid} ${procStartTime(process.pid)}\n`);
  writeFileSync(files.restarting, '');
  writeFileSync(files.exit, '1\n');
  const cacheFile = join(paths.cache, 'containers.json');
  const list = () => {
    const scan = scanContainers(paths);
    expect(scan.containers.map((c) => c.id)).toEqual([id]);
    return containerStatus(paths, { id }, {}, scan.exits.get(id)).state;
  };
  return { files, cacheFile, list };
}

test('an exit read while a restart is pending is not kept: every listing sees restarting', () => {
  const { cacheFile, list } = restartingContainer();
  aged();
  expect(list()).toBe('restarting');
  expect(list()).toBe('restarting');
  // The record's summary was kept, the exit was not.
  expect(readFileSync(cacheFile, 'utf8')).toContain('"summary"');
  expect(readFileSync(cacheFile, 'utf8')).not.toContain('"exit"');
});

test('once the monitor gives up (restarting gone), the exit is kept as settled and read as exited', () => {
  const { files, cacheFile, list } = restartingContainer();
  expect(list()).toBe('restarting');
  rmSync(files.restarting);
  aged();
  expect(list()).toBe('exited');
  expect(readFileSync(cacheFile, 'utf8')).toContain('"exit":{"text":"1\\n"');
  expect(list()).toBe('exited');
});

test('a settled exit goes with the next run: removing it is a change of the directory', () => {
  const { files, list } = restartingContainer();
  rmSync(files.restarting);
  aged();
  expect(list()).toBe('exited');
  // What a start does first (start-again.ts): the old exit and pid go, then the runtime runs.
  rmSync(files.exit);
  expect(existsSync(files.exit)).toBe(false);
  expect(list()).toBe('created');
});
