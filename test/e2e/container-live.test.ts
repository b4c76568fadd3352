// pause/unpause, top, stats --no-stream: a running container's processes
// and counters, read from its cgroup.
import { expect, test } from 'bun:test';
import { containerSuite } from '../helpers/container-suite.ts';
import { eventually } from '../helpers/poll.ts';
import { rocker, ROCKER } from '../helpers/rocker.ts';

const { env } = containerSuite();

const ok = (args: string[]) => {
  const r = rocker(args, env);
  expect(r).toMatchObject({ stderr: '', code: 0 });
  return r.stdout;
};
const state = (name: string) => ok(['inspect', '-f', '{{.State.Status}} {{.State.Paused}} {{.State.Running}}', name]).trim();

test('pause freezes the processes and shows as paused; unpause thaws; stop and rm -f work on a paused container', () => {
  ok(['run', '-d', '--name', 'ticker', 'busybox', 'sh', '-c', 'while :; do date +%s%N > /tick; sleep 0.05; done']);
  expect(ok(['pause', 'ticker'])).toBe('ticker\n');
  expect(state('ticker')).toBe('paused true true');
  expect(ok(['ps', '--format', '{{.Names}} {{.State}}', '--filter', 'status=paused'])).toBe('ticker paused\n');
  expect(ok(['ps', '--filter', 'status=running', '-q'])).toBe('');
  expect(ok(['ps'])).toMatch(/ticker .* paused /);
  // Frozen: the file it rewrites every 50 ms does not change (read from the stopped-view copy).
  const tick = () => ok(['cp', 'ticker:/tick', '/dev/stdout']);
  const before = tick();
  Bun.sleepSync(300);
  expect(tick()).toBe(before);
  expect(rocker(['pause', 'ticker'], env)).toEqual({ code: 1, stdout: '', stderr: 'rocker: container ticker is already paused\n' });
  expect(rocker(['exec', 'ticker', 'true'], env)).toEqual({ code: 125, stdout: '', stderr: 'rocker: container ticker is paused: unpause it before exec\n' });
  expect(ok(['unpause', 'ticker'])).toBe('ticker\n');
  expect(state('ticker')).toBe('running false true');
  expect(rocker(['unpause', 'ticker'], env)).toEqual({ code: 1, stdout: '', stderr: 'rocker: container ticker is not paused\n' });
  ok(['pause', 'ticker']);
  expect(ok(['stop', '-t', '1', 'ticker'])).toBe('ticker\n');
  expect(state('ticker')).toBe('exited false false');
  expect(rocker(['pause', 'ticker'], env)).toEqual({ code: 1, stdout: '', stderr: 'rocker: container ticker is not running\n' });
  ok(['start', 'ticker']);
  ok(['pause', 'ticker']);
  ok(['rm', '-f', 'ticker']);
});

test("top lists the container's processes, with ps options too; not for a stopped container", () => {
  ok(['run', '-d', '--name', 'busy', 'busybox', 'sh', '-c', 'sleep 1000 & sleep 1001; true']);
  const top = ok(['top', 'busy']).trimEnd().split('\n');
  expect(top[0]).toMatch(/^UID +PID +PPID +C +STIME +TTY +TIME +CMD$/);
  expect(top.slice(1).some((l) => / sleep 1000$/.test(l))).toBe(true);
  expect(top.slice(1).some((l) => / sleep 1001$/.test(l))).toBe(true);
  expect(top).toHaveLength(4); // sh and its two sleeps, nothing of the host
  expect(ok(['top', 'busy', '-o', 'pid,comm']).trimEnd().split('\n').slice(1).map((l) => l.trim().split(/\s+/)[1]).sort()).toEqual(['sh', 'sleep', 'sleep']);
  expect(rocker(['top', 'busy', '-o', 'comm'], env)).toEqual({ code: 1, stdout: '', stderr: 'rocker: ps -o comm has no PID column to match the container\'s processes by\n' });
  ok(['stop', '-t', '0', 'busy']);
  expect(rocker(['top', 'busy'], env)).toEqual({ code: 1, stdout: '', stderr: 'rocker: container busy is not running\n' });
  ok(['rm', 'busy']);
});

test('stats --no-stream: CPU, memory against the limit, pids; templates; a stopped container is refused', async () => {
  ok(['run', '-d', '--name', 'spin', '-m', '64m', 'busybox', 'sh', '-c', 'while :; do :; done']);
  // idle sends 3 pings to its gateway first: its network counters cannot stay at zero.
  ok(['run', '-d', '--name', 'idle', 'busybox', 'sh', '-c', 'ping -c 3 -W 1 $(ip route | awk \'/default/ { print $3 }\') >/dev/null 2>&1; echo pinged; exec sleep 1000']);
  ok(['run', '-d', '--name', 'offline', '--network', 'none', 'busybox', 'sleep', '1000']);
  await eventually(() => rocker(['logs', 'idle'], env).stdout === 'pinged\n', 'the pings');
  const table = ok(['stats', '--no-stream']).trimEnd().split('\n');
  expect(table[0]).toMatch(/^CONTAINER ID +NAME +CPU % +MEM USAGE \/ LIMIT +MEM % +NET I\/O +BLOCK I\/O +PIDS$/);
  const spin = table.find((l) => / spin /.test(l))!;
  const io = '\\d+(\\.\\d+)?(B|kB|MB|GB)';
  expect(spin).toMatch(new RegExp(`^[0-9a-f]{12} +spin +\\d+\\.\\d\\d% +\\d+(\\.\\d+)?(B|KiB|MiB) / 64MiB +\\d+\\.\\d\\d% +${io} / ${io} +${io} / ${io} +1$`));
  // NET I/O: received / sent on the container's own interfaces (not lo); none at all without a network.
  const [net] = JSON.parse(ok(['stats', '--no-stream', '--format', 'json', 'idle']));
  expect(net.NetIO).toMatch(new RegExp(`^${io} / ${io}$`));
  expect(net.NetIO).not.toMatch(/ \/ 0B$/);
  expect(ok(['stats', '--no-stream', '--format', '{{.Name}} {{.NetIO}}', 'offline'])).toBe('offline 0B / 0B\n');
  ok(['rm', '-f', 'offline']);
  expect(Number(/ (\d+\.\d\d)% /.exec(spin)![1])).toBeGreaterThan(0);
  expect(ok(['stats', '--no-stream', '--format', '{{.Name}} {{.PIDs}}', 'idle'])).toBe('idle 1\n');
  const [json] = JSON.parse(ok(['stats', '--no-stream', '--format', 'json', 'spin']));
  expect(Object.keys(json)).toEqual(['ID', 'Container', 'Name', 'CPUPerc', 'MemUsage', 'MemPerc', 'NetIO', 'BlockIO', 'PIDs']);
  // Without --no-stream: a table about every second until interrupted.
  const stream = Bun.spawn([ROCKER, 'stats', 'idle'], { env, stdout: 'pipe', stderr: 'pipe' });
  const reader = stream.stdout.getReader();
  let seen = '';
  while ((seen.match(/^CONTAINER ID/gm) ?? []).length < 2) seen += new TextDecoder().decode((await reader.read()).value);
  stream.kill('SIGINT');
  await stream.exited;
  expect(seen.split('\n').filter((l) => / idle /.test(l)).length).toBeGreaterThanOrEqual(2);
  ok(['rm', '-f', 'spin']);
  ok(['stop', '-t', '0', 'idle']);
  expect(rocker(['stats', '--no-stream', 'idle'], env)).toEqual({ code: 1, stdout: '', stderr: 'rocker: container idle is not running\n' });
  expect(ok(['stats', '--no-stream'])).toBe('CONTAINER ID  NAME  CPU %  MEM USAGE / LIMIT  MEM %  NET I/O  BLOCK I/O  PIDS\n');
  ok(['rm', 'idle']);
});
