// A listing keeps an exit file's reading as "settled" only when no restart
// was pending: a container waiting out its back-off must still show as
// restarting on every later listing, and show as exited once its monitor
// has given up, without a stale answer from the cache either way.
import { afterAll, expect, test } from 'bun:test';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StatCache } from '../../src/common/stat-cache.ts';
import { procStartTime } from '../../src/engine/container-store/proc.ts';
import { cachedExitReader, containerStatus } from '../../src/engine/container-store/status.ts';
import { containerFiles } from '../../src/engine/container-store/store.ts';
import { storePaths } from '../../src/engine/paths.ts';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function restartingContainer() {
  const d = mkdtempSync(join(tmpdir(), 'rocker-status-cache-'));
  dirs.push(d);
  const paths = storePaths(join(d, 'root'), join(d, 'run'));
  const id = 'b'.repeat(64);
  const files = containerFiles(paths, id);
  mkdirSync(files.dir, { recursive: true });
  // The monitor (this test's own process) waits out a back-off: `restarting`, then the exit, as it writes them.
  writeFileSync(files.monitor, `${process.pid} ${procStartTime(process.pid)}\n`);
  writeFileSync(files.restarting, '');
  writeFileSync(files.exit, '1\n');
  const cacheFile = join(d, 'cache.json');
  // Each listing starts a second later than the files were written, so that they are old enough to be kept.
  const list = () => {
    const cache = new StatCache(cacheFile, 'test', paths.containers, Date.now() + 1000);
    const state = containerStatus(paths, { id }, {}, cachedExitReader(cache, paths.containers)).state;
    cache.save();
    return state;
  };
  return { files, cacheFile, list };
}

test('an exit read while a restart is pending is not kept: every listing sees restarting', () => {
  const { cacheFile, list } = restartingContainer();
  expect(list()).toBe('restarting');
  expect(list()).toBe('restarting');
  // Nothing was kept, so the cache was never written.
  expect(existsSync(cacheFile)).toBe(false);
});

test('once the monitor gives up (restarting gone), the exit is kept as settled and read as exited', () => {
  const { files, cacheFile, list } = restartingContainer();
  expect(list()).toBe('restarting');
  rmSync(files.restarting);
  expect(list()).toBe('exited');
  expect(readFileSync(cacheFile, 'utf8')).toContain('"settled":true');
  expect(list()).toBe('exited');
});
