// Health checks: starting -> healthy -> unhealthy, in ps, filters and
// inspect; the check loop goes with the container.
import { expect, test } from 'bun:test';
import { containerSuite } from '../helpers/container-suite.ts';
import { eventually } from '../helpers/poll.ts';
import { rocker } from '../helpers/rocker.ts';

const { env } = containerSuite();

const ok = (args: string[]) => {
  const r = rocker(args, env);
  expect(r).toMatchObject({ stderr: '', code: 0 });
  return r.stdout;
};
const health = (name: string) => ok(['inspect', '-f', '{{.State.Health.Status}}', name]).trim();

test('health goes starting -> healthy -> unhealthy, seen by ps, filters and inspect', async () => {
  ok(['run', '-d', '--name', 'doc', '--health-cmd', 'cat /ok', '--health-interval', '100ms', '--health-retries', '2', '--health-start-period', '1h', 'busybox', 'sleep', '1000']);
  // The start period: failures do not count, so it stays starting.
  await eventually(() => JSON.parse(ok(['inspect', '-f', '{{json .State.Health}}', 'doc'])).Log.length >= 3, 'a few failed checks');
  expect(health('doc')).toBe('starting');
  expect(ok(['ps', '--format', '{{.Status}}'])).toMatch(/^Up .* \(health: starting\)\n$/);
  ok(['exec', 'doc', 'sh', '-c', 'echo fine > /ok']);
  await eventually(() => health('doc') === 'healthy', 'healthy');
  expect(ok(['ps'])).toMatch(/ running \(healthy\) /);
  expect(ok(['ps', '--filter', 'health=healthy', '--format', '{{.Names}}'])).toBe('doc\n');
  const last = JSON.parse(ok(['inspect', '-f', '{{json .State.Health}}', 'doc']));
  expect(last.Log.at(-1)).toMatchObject({ ExitCode: 0, Output: 'fine' });
  expect(last.Log.length).toBeLessThanOrEqual(5);
  // After a pass the start period is over: two failures in a row make it unhealthy.
  ok(['exec', 'doc', 'rm', '/ok']);
  await eventually(() => health('doc') === 'unhealthy', 'unhealthy');
  expect(ok(['inspect', '-f', '{{.State.Health.FailingStreak}}', 'doc']).trim()).not.toBe('0');
  expect(ok(['ps', '--filter', 'health=unhealthy', '-q'])).not.toBe('');
  expect(ok(['inspect', '-f', '{{json .Config.Healthcheck.Test}} {{.Config.Healthcheck.Retries}}', 'doc'])).toBe('["CMD-SHELL","cat /ok"] 2\n');
  ok(['rm', '-f', 'doc']);
  expect(Bun.spawnSync(['pgrep', '-f', 'rocker-health']).stdout.toString()).not.toContain(env.ROCKER_ROOT!);
});

test('a check that outlives its timeout fails; no check: no Health, health=none', async () => {
  ok(['run', '-d', '--name', 'slow', '--health-cmd', 'sleep 5', '--health-interval', '100ms', '--health-timeout', '200ms', '--health-retries', '1', 'busybox', 'sleep', '1000']);
  await eventually(() => health('slow') === 'unhealthy', 'the timeout to count as a failure');
  expect(JSON.parse(ok(['inspect', '-f', '{{json .State.Health.Log}}', 'slow']))[0].Output).toBe('Health check exceeded timeout (0.2 s)');
  ok(['run', '-d', '--name', 'plain', 'busybox', 'sleep', '1000']);
  expect(ok(['inspect', '-f', '{{json .State}}', 'plain'])).not.toContain('Health');
  expect(ok(['ps', '--filter', 'health=none', '--format', '{{.Names}}'])).toBe('plain\n');
  ok(['rm', '-f', 'slow', 'plain']);
});

test('the check loop ends with its container, not at its next tick', async () => {
  const loops = () => Bun.spawnSync(['pgrep', '-f', `rocker-health ${env.ROCKER_ROOT}`]).stdout.toString().trim();
  ok(['run', '-d', '--name', 'brief', '--health-cmd', 'true', '--health-interval', '1h', 'busybox', 'sh', '-c', 'while [ ! -e /go ]; do sleep 0.05; done']);
  expect(loops()).not.toBe('');
  ok(['exec', 'brief', 'touch', '/go']);
  expect(ok(['wait', 'brief'])).toBe('0\n');
  await eventually(() => loops() === '', 'the loop to end with the container');
  ok(['run', '--rm', '--health-cmd', 'true', '--health-interval', '1h', 'busybox', 'true']);
  expect(loops()).toBe('');
  ok(['rm', 'brief']);
});

test('bad health flags fail with one line, exit 125', () => {
  expect(rocker(['run', '--rm', '--health-cmd', 'true', '--health-interval', 'soon', 'busybox', 'true'], env)).toEqual({ code: 125, stdout: '', stderr: 'rocker: invalid --health-interval "soon": use a duration such as 30s, 1m30s or 500ms\n' });
  expect(rocker(['run', '--rm', '--no-healthcheck', '--health-cmd', 'true', 'busybox', 'true'], env)).toEqual({ code: 125, stdout: '', stderr: 'rocker: --no-healthcheck cannot be combined with other health flags\n' });
  expect(rocker(['run', '--rm', '--health-cmd', 'true', '--health-retries', '0', 'busybox', 'true'], env).code).toBe(125);
  expect(rocker(['ps', '--filter', 'health=great'], env)).toEqual({ code: 1, stdout: '', stderr: 'rocker: invalid filter "health=great": use one of starting, healthy, unhealthy, none\n' });
});
