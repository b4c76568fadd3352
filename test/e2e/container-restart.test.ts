// --restart policies: the monitor runs a background container again, with
// Docker's back-off; an explicit stop is never undone.
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
const look = (name: string, template: string) => ok(['inspect', '-f', template, name]).trim();

test('on-failure:2 runs a failing container twice more, then gives up', async () => {
  ok(['run', '-d', '--name', 'flaky', '--restart', 'on-failure:2', 'busybox', 'sh', '-c', 'echo run; exit 3']);
  await eventually(() => look('flaky', '{{.State.Status}} {{.RestartCount}}') === 'exited 2', 'the policy to give up', 60_000);
  expect(ok(['logs', 'flaky'])).toBe('run\nrun\nrun\n');
  expect(look('flaky', '{{.State.ExitCode}} {{json .HostConfig.RestartPolicy}}')).toBe('3 {"Name":"on-failure","MaximumRetryCount":2}');
  // A success is not a failure: on-failure does not run it again.
  ok(['run', '-d', '--name', 'fine', '--restart', 'on-failure', 'busybox', 'true']);
  expect(ok(['wait', 'fine'])).toBe('0\n');
  expect(look('fine', '{{.State.Status}} {{.RestartCount}}')).toBe('exited 0');
  ok(['rm', 'flaky', 'fine']);
});

test('always survives a kill from outside, but not rocker stop; start clears the stop', async () => {
  ok(['run', '-d', '--name', 'phoenix', '--restart', 'always', 'busybox', 'sleep', '1000']);
  const first = Number(look('phoenix', '{{.State.Pid}}'));
  process.kill(first, 'SIGKILL');
  await eventually(() => {
    const [status, pid, count] = look('phoenix', '{{.State.Status}} {{.State.Pid}} {{.RestartCount}}').split(' ');
    return status === 'running' && Number(pid) !== first && count === '1';
  }, 'the container to run again');
  expect(ok(['stop', '-t', '0', 'phoenix'])).toBe('phoenix\n');
  expect(look('phoenix', '{{.State.Status}} {{.State.ExitCode}}')).toBe('exited 137');
  Bun.sleepSync(500); // longer than the first back-off: a restart would have happened by now
  expect(look('phoenix', '{{.State.Status}}')).toBe('exited');
  ok(['start', 'phoenix']);
  expect(look('phoenix', '{{.State.Status}} {{.RestartCount}}')).toBe('running 0');
  // rocker kill is a manual stop too, as in Docker.
  expect(ok(['kill', 'phoenix'])).toBe('phoenix\n');
  expect(ok(['wait', 'phoenix'])).toBe('137\n');
  Bun.sleepSync(500);
  expect(look('phoenix', '{{.State.Status}}')).toBe('exited');
  ok(['rm', 'phoenix']);
});

test('a container waiting out its back-off is restarting: rm needs -f, stop ends the wait', async () => {
  ok(['run', '-d', '--name', 'loop', '--restart', 'unless-stopped', 'busybox', 'sh', '-c', 'exit 1']);
  await eventually(() => Number(look('loop', '{{.RestartCount}}')) >= 4, 'a few restarts', 60_000);
  // From the fourth restart the back-off is 800 ms and more: the container is seen restarting.
  await eventually(() => look('loop', '{{.State.Status}}') === 'restarting', 'the back-off', 60_000);
  expect(ok(['ps', '--format', '{{.Names}} {{.State}}'])).toBe('loop restarting\n');
  expect(ok(['ps', '--format', '{{.Status}}'])).toMatch(/^Restarting \(1\) /);
  expect(rocker(['rm', 'loop'], env)).toEqual({ code: 1, stdout: '', stderr: "rocker: container loop is restarting: stop it first, or use 'rocker rm -f'\n" });
  ok(['stop', 'loop']);
  expect(look('loop', '{{.State.Status}}')).toBe('exited');
  const count = look('loop', '{{.RestartCount}}');
  Bun.sleepSync(1000);
  expect(look('loop', '{{.State.Status}} {{.RestartCount}}')).toBe(`exited ${count}`);
  ok(['rm', 'loop']);
});

test('bad policies fail with one line, exit 125', () => {
  expect(rocker(['run', '-d', '--restart', 'sometimes', 'busybox', 'true'], env)).toEqual({ code: 125, stdout: '', stderr: 'rocker: invalid --restart "sometimes": use no, always, unless-stopped or on-failure[:MAX-RETRIES]\n' });
  expect(rocker(['run', '-d', '--restart', 'always:3', 'busybox', 'true'], env).code).toBe(125);
  expect(rocker(['run', '-d', '--rm', '--restart', 'always', 'busybox', 'true'], env)).toEqual({ code: 125, stdout: '', stderr: 'rocker: --restart cannot be combined with --rm: a container that restarts is never removed at its end\n' });
});

test('start --all --filter restart-policy=...: the boot story; unless-stopped stays stopped after a stop', () => {
  ok(['create', '--name', 'boot-always', '--restart', 'always', 'busybox', 'sleep', '1000']);
  ok(['create', '--name', 'boot-unless', '--restart', 'unless-stopped', 'busybox', 'sleep', '1000']);
  ok(['create', '--name', 'boot-halted', '--restart', 'unless-stopped', 'busybox', 'sleep', '1000']);
  ok(['create', '--name', 'boot-none', 'busybox', 'sleep', '1000']);
  ok(['start', 'boot-halted']);
  ok(['stop', '-t', '0', 'boot-halted']);
  const started = ok(['start', '--all', '--filter', 'restart-policy=always', '--filter', 'restart-policy=unless-stopped']);
  expect(started.trim().split('\n').sort()).toEqual(['boot-always', 'boot-unless']);
  expect(ok(['ps', '--format', '{{.Names}}']).trim().split('\n').sort()).toEqual(['boot-always', 'boot-unless']);
  expect(ok(['start', '--all', '--filter', 'restart-policy=always'])).toBe(''); // already running
  expect(rocker(['start', '--all', '--filter', 'restart-policy=sometimes'], env)).toEqual({ code: 1, stdout: '', stderr: 'rocker: invalid filter "restart-policy=sometimes": use one of no, always, unless-stopped, on-failure\n' });
  expect(rocker(['start', '--all', 'boot-none'], env)).toEqual({ code: 1, stdout: '', stderr: 'rocker: start --all takes no container names, -a or -i\n' });
  ok(['rm', '-f', 'boot-always', 'boot-unless', 'boot-halted', 'boot-none']);
});
