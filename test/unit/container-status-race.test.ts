// The interleaving that made `rocker wait` print "unknown" for a container
// killed from outside: status reads the exit file (not there yet), then the
// monitor records the exit and ends, then status finds the monitor and the
// process gone. The kernel check for the monitor is where the test lets the
// monitor finish, exactly between the two reads.
import { afterAll, afterEach, expect, spyOn, test } from 'bun:test';
import { writeFileSync } from 'node:fs';
import * as proc from '../../src/engine/container-store/proc.ts';
import { containerStatus } from '../../src/engine/container-store/status.ts';
import { removeTempStores, tempContainer } from '../helpers/temp-store.ts';

afterAll(removeTempStores);
const spies: Array<{ mockRestore: () => void }> = [];
afterEach(() => spies.splice(0).forEach((s) => s.mockRestore()));

function endedContainer() {
  const { paths, id, files } = tempContainer('rocker-status-', 'a'.repeat(64));
  // A monitor and an init process that have both ended (pid 2^22 does not exist).
  writeFileSync(files.monitor, '4194304 12345\n');
  writeFileSync(files.pid, '4194304');
  return { paths, id, files };
}

test('the monitor records the exit between the exit-file read and its liveness check: the code is seen', () => {
  const { paths, id, files } = endedContainer();
  spies.push(spyOn(proc, 'processAlive').mockImplementation(() => {
    writeFileSync(files.exit, '137\n');
    return false;
  }));
  expect(containerStatus(paths, { id })).toMatchObject({ state: 'exited', exitCode: 137, monitorAlive: false });
});

test('the monitor records the exit between the liveness check and the process check: the code is seen', () => {
  const { paths, id, files } = endedContainer();
  spies.push(spyOn(proc, 'inCgroup').mockImplementation(() => {
    writeFileSync(files.exit, '137\n');
    return false;
  }));
  expect(containerStatus(paths, { id })).toMatchObject({ state: 'exited', exitCode: 137 });
});

test('a monitor that ended without recording anything: exited, code unknown, nothing to wait for', () => {
  const { paths, id } = endedContainer();
  expect(containerStatus(paths, { id })).toEqual({ state: 'exited', monitorAlive: false });
});
