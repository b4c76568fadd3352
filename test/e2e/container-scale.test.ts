// Templates and filters over 1,000 containers (issue 10's "done when"): every
// one listed once, filters exact, prune removes them all.
import { expect, test } from 'bun:test';
import { spawn } from 'node:child_process';
import { containerSuite } from '../helpers/container-suite.ts';
import { rocker, ROCKER } from '../helpers/rocker.ts';

const { env } = containerSuite();
const COUNT = 1000;

/** Runs `rocker create` for each index, a few at a time (the machine is shared). */
async function createAll(parallel: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < COUNT) {
      const i = next++;
      const code = await new Promise<number>((resolve) =>
        spawn(ROCKER, ['create', '--name', `c${i}`, '-l', `n=${i}`, '-l', `parity=${i % 2 ? 'odd' : 'even'}`, 'busybox', 'true'], { env, stdio: 'ignore' }).on('close', (c) => resolve(c ?? -1)),
      );
      if (code !== 0) throw new Error(`create c${i} exited ${code}`);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}

test(`templates and filters on ${COUNT} containers`, async () => {
  await createAll(4);
  const names = rocker(['ps', '-a', '--format', '{{.Names}}'], env);
  expect(names.code).toBe(0);
  expect(names.stdout.trim().split('\n').sort()).toEqual(Array.from({ length: COUNT }, (_, i) => `c${i}`).sort());
  expect(rocker(['ps', '-a', '--filter', 'label=n=500', '--format', '{{.Names}} {{.Labels}}'], env).stdout).toBe('c500 n=500,parity=even\n');
  expect(rocker(['ps', '-a', '--filter', 'name=^c99[0-9]$', '-q'], env).stdout.trim().split('\n')).toHaveLength(10);
  expect(rocker(['ps', '--filter', 'status=created', '--filter', 'label=parity=odd', '-q'], env).stdout.trim().split('\n')).toHaveLength(COUNT / 2);
  const table = rocker(['ps', '-a', '--format', 'table {{.Names}}\\t{{.State}}'], env).stdout.trim().split('\n');
  expect(table[0]).toMatch(/^NAMES +STATE$/);
  expect(table).toHaveLength(COUNT + 1);
  expect(table.slice(1).every((l) => /^c\d+ +created$/.test(l))).toBe(true);
  const prune = rocker(['container', 'prune', '-f'], env);
  expect(prune.code).toBe(0);
  expect(prune.stdout.split('\n').filter((l) => /^[0-9a-f]{64}$/.test(l))).toHaveLength(COUNT);
  expect(rocker(['ps', '-aq'], env).stdout).toBe('');
}, 600_000);
