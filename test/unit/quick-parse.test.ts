// The quick scanner must read every word list it answers for exactly as
// commander does (commander parses everything else): checked here on the
// specs of the commands that use it, with the forms Docker users type and
// hostile ones.
import { expect, test } from 'bun:test';
import { parseArgs } from '../../src/cli/rocker/parse.ts';
import { commanderFor, parseCommand, type CommandSpec } from '../../src/cli/rocker/command-spec.ts';
import { runSpec } from '../../src/cli/rocker/run-flags.ts';
import { RM } from '../../src/cli/rocker/commands/rm.ts';
import { STOP } from '../../src/cli/rocker/commands/stop.ts';
import { PS } from '../../src/cli/rocker/commands/ps.ts';
import { IMAGES } from '../../src/cli/rocker/commands/images.ts';
import { quickParse, quickParser } from '../../src/cli/quick-parse.ts';

const RUN = runSpec('run', 'test', true);

async function viaCommander(spec: CommandSpec, args: string[]) {
  const { opts, operands } = parseArgs<Record<string, unknown>>(await commanderFor(spec), args);
  return { opts: { ...opts }, operands };
}
const quick = (spec: CommandSpec, args: string[]) => quickParse(quickParser(spec.options), args, !!spec.passThrough);

// Answered by the scanner: each must equal commander's reading.
const plain: Array<[CommandSpec, string[]]> = [
  [RUN, ['busybox', 'true']],
  [RUN, ['--rm', '--network', 'none', '--image', 'busybox', 'true']],
  [RUN, ['-it', '--rm', 'busybox', 'sh']],
  [RUN, ['-dit', '--name', 'web', '-p', '8080:80', '-p', '8443:443/tcp', 'nginx']],
  [RUN, ['-e', 'A=1', '-eB=2', '--env', 'C=3', '--env=D=4', '-e', '--rm', 'img']],
  [RUN, ['--name=x', '--memory=256m', '-m', '1g', '--cpus', '1.5', 'img', 'sh', '-c', 'echo --rm -e X']],
  [RUN, ['--no-healthcheck', '--read-only', '--cap-drop', 'ALL', '--cap-add=NET_ADMIN', 'img']],
  [RUN, ['-v', '/a:/b:ro', '--mount', 'type=tmpfs,target=/t', '--tmpfs', '/run', '-w', '/w', '-u', '1000:1000', 'img']],
  [RUN, ['--rm', '--', 'img', '--rm', '-x']],
  [RUN, ['img', '--', 'x']],
  [RUN, ['-', 'x']],
  [RUN, ['--label', 'a=b', '-l', 'c=d', '--restart', 'on-failure:3', '--pids-limit', '-1', 'img']],
  [RUN, ['-ie', 'K=V', 'img']],
  [RUN, ['--entrypoint', '', 'img']],
  [RUN, ['--rm']],
  [RUN, []],
  [RM, ['a']],
  [RM, ['-f', 'a', 'b']],
  [RM, ['a', '-fv', 'b']],
  [RM, ['a', '--', '-f']],
  [STOP, ['a']],
  [STOP, ['-t', '0', 'a', 'b']],
  [STOP, ['a', '--time=3']],
  [PS, []],
  [PS, ['-a']],
  [PS, ['-aq', '--no-trunc', '-f', 'name=x', '--filter', 'status=exited', '--format', '{{.Names}}']],
  [PS, ['-n', '3', '-s']],
  [IMAGES, []],
  [IMAGES, ['busybox', '-q']],
  [IMAGES, ['--format', 'json', '--filter', 'dangling=true']],
];

test('the scanner reads the plain forms as commander does', async () => {
  for (const [spec, args] of plain) {
    const q = quick(spec, args);
    expect(q, `${spec.name} ${args.join(' ')}`).toBeDefined();
    expect(q).toEqual(await viaCommander(spec, args));
  }
});

// Left to commander: unknown options, help, missing values, a value given to a switch, negative-number operands.
const others: Array<[CommandSpec, string[]]> = [
  [RUN, ['--help']],
  [RUN, ['-h']],
  [RUN, ['--bogus', 'img']],
  [RUN, ['-itx', 'img']],
  [RUN, ['--rm=true', 'img']],
  [RUN, ['--name']],
  [RUN, ['-e']],
  [RUN, ['-1', 'img']],
  [RUN, ['--tty=1', 'img']],
  [RM, ['-x', 'a']],
  [STOP, ['-t']],
  [PS, ['--all=1']],
];

test('the scanner leaves everything else to commander', () => {
  for (const [spec, args] of others) expect(quick(spec, args), `${spec.name} ${args.join(' ')}`).toBeUndefined();
});

test('operands a command cannot take go to commander, which refuses them', async () => {
  await expect(parseCommand(RM, [])).rejects.toThrow();
  await expect(parseCommand(STOP, ['-t', '3'])).rejects.toThrow();
  await expect(parseCommand(PS, ['extra'])).rejects.toThrow();
  await expect(parseCommand(IMAGES, ['a', 'b'])).rejects.toThrow();
  await expect(parseCommand(RUN, ['--bogus', 'img'])).rejects.toThrow();
  expect(await parseCommand(IMAGES, ['busybox'])).toEqual({ opts: { filter: [], format: 'table', trunc: true }, operands: ['busybox'] });
});

test('only plain declarations are accepted', () => {
  expect(() => quickParser([['--weird [optional]', 'x']])).toThrow(/unsupported flags/);
});

test('random word lists: wherever the scanner answers, commander agrees', async () => {
  const pool = ['-i', '-t', '-d', '-it', '-e', 'X=1', '-eY', '--rm', '--env', '--env=Z', '--name', 'n', '-p', '1:2', '--no-healthcheck',
    '--', '-', 'img', 'sh', '-c', '--bogus', '--tty=1', '-m', '64m', '--memory=1g', '-v', '/a:/b', '-1', '-dx', '-h', '-f', '-a', '-q', '--format', '-fv', '-n'];
  let seed = 42;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % pool.length;
  let answered = 0;
  for (const spec of [RUN, RM, STOP, PS, IMAGES]) {
    for (let n = 0; n < 300; n++) {
      const args = Array.from({ length: 1 + (n % 7) }, () => pool[next()]!);
      const q = quick(spec, args);
      if (!q) continue;
      let expected: unknown;
      try {
        expected = await viaCommander(spec, args);
      } catch {
        // commander refuses these operands: parseCommand sends them to it (the operand-count test above)
        continue;
      }
      answered++;
      expect(q, `${spec.name} ${args.join(' ')}`).toEqual(expected as never);
    }
  }
  expect(answered).toBeGreaterThan(100);
});
