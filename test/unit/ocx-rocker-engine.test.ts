// ocx's rocker engine: the run flags it adds for a rootless rocker (any user
// but root): the user's own ids inside (--userns keep-id) and pasta where ocx
// asks for the bridge network. The real run is in rootless.test.ts (rocker)
// and the ocx suite (root).
import { afterEach, expect, test } from 'bun:test';
import { RockerEngine } from '../../src/ocx/engines/rocker.ts';
import type { RunSpec } from '../../src/ocx/engines/types.ts';

const spec: RunSpec = {
  image: 'img', name: 'ocx-x', command: ['opencode'], workdir: '/w', env: {}, envFiles: [], mounts: [], tmpfs: [], labels: {},
  network: 'bridge', publish: { hostPort: 32000, containerPort: 80 }, addHostGateway: false, readOnly: true, memory: '1g', cpus: 1, pidsLimit: 100, tty: false,
};
const realGetuid = process.getuid;
afterEach(() => {
  process.getuid = realGetuid;
});
const flag = (argv: string[], name: string) => argv[argv.indexOf(name) + 1];

test('as root: the bridge network asked for, no user namespace flag', () => {
  process.getuid = () => 0;
  const argv = new RockerEngine().runArgv(spec);
  expect(flag(argv, '--network')).toBe('bridge');
  expect(argv).not.toContain('--userns');
});

test('as a user (rootless rocker): keep-id, and pasta instead of the bridge network; other networks as asked', () => {
  process.getuid = () => 1000;
  const argv = new RockerEngine().runArgv(spec);
  expect(flag(argv, '--userns')).toBe('keep-id');
  expect(flag(argv, '--network')).toBe('pasta');
  expect(flag(argv, '-p')).toBe('32000:80');
  expect(flag(new RockerEngine().runArgv({ ...spec, network: 'none', publish: undefined }), '--network')).toBe('none');
});
