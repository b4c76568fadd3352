// The quick scanner must read every word list it answers for exactly as
// commander does (commander parses everything else): checked here on run's
// own options, with the forms Docker users type and hostile ones.
import { expect, test } from 'bun:test';
import { parseArgs } from '../../src/cli/rocker/parse.ts';
import { runOptionSpecs, runParser } from '../../src/cli/rocker/run-flags.ts';
import { quickParse, quickParser } from '../../src/cli/quick-parse.ts';

const specs = runOptionSpecs(true);
const quick = quickParser(specs);

async function viaCommander(args: string[]) {
  const { opts, operands } = parseArgs<Record<string, unknown>>(await runParser('run', 'test', specs), args);
  return { opts: { ...opts }, operands };
}

// Answered by the scanner: each must equal commander's reading.
const plain: string[][] = [
  ['busybox', 'true'],
  ['--rm', '--network', 'none', '--image', 'busybox', 'true'],
  ['-it', '--rm', 'busybox', 'sh'],
  ['-dit', '--name', 'web', '-p', '8080:80', '-p', '8443:443/tcp', 'nginx'],
  ['-e', 'A=1', '-eB=2', '--env', 'C=3', '--env=D=4', '-e', '--rm', 'img'],
  ['--name=x', '--memory=256m', '-m', '1g', '--cpus', '1.5', 'img', 'sh', '-c', 'echo --rm -e X'],
  ['--no-healthcheck', '--read-only', '--cap-drop', 'ALL', '--cap-add=NET_ADMIN', 'img'],
  ['-v', '/a:/b:ro', '--mount', 'type=tmpfs,target=/t', '--tmpfs', '/run', '-w', '/w', '-u', '1000:1000', 'img'],
  ['--rm', '--', 'img', '--rm', '-x'],
  ['img', '--', 'x'],
  ['-', 'x'],
  ['--label', 'a=b', '-l', 'c=d', '--restart', 'on-failure:3', '--pids-limit', '-1', 'img'],
  ['-ie', 'K=V', 'img'],
  ['--entrypoint', '', 'img'],
  ['--rm'],
  [],
];

test('the scanner reads the plain forms as commander does', async () => {
  for (const args of plain) {
    const q = quickParse(quick, args);
    expect(q, args.join(' ')).toBeDefined();
    expect(q).toEqual(await viaCommander(args));
  }
});

// Left to commander: unknown options, help, missing values, a value given to a switch, negative-number operands.
const others: string[][] = [
  ['--help'],
  ['-h'],
  ['--bogus', 'img'],
  ['-itx', 'img'],
  ['--rm=true', 'img'],
  ['--name'],
  ['-e'],
  ['-1', 'img'],
  ['--tty=1', 'img'],
];

test('the scanner leaves everything else to commander', () => {
  for (const args of others) expect(quickParse(quick, args), args.join(' ')).toBeUndefined();
});

test('an option the scanner cannot read is one commander rejects or handles itself', async () => {
  await expect(viaCommander(['--bogus', 'img'])).rejects.toThrow();
  await expect(viaCommander(['--name'])).rejects.toThrow();
});

test('only plain declarations are accepted', () => {
  expect(() => quickParser([['--weird [optional]', 'x']])).toThrow(/unsupported flags/);
});

test('random word lists: wherever the scanner answers, commander agrees', async () => {
  const pool = ['-i', '-t', '-d', '-it', '-e', 'X=1', '-eY', '--rm', '--env', '--env=Z', '--name', 'n', '-p', '1:2', '--no-healthcheck',
    '--', '-', 'img', 'sh', '-c', '--bogus', '--tty=1', '-m', '64m', '--memory=1g', '-v', '/a:/b', '-1', '-dx', '-h'];
  let seed = 42;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % pool.length;
  let answered = 0;
  for (let n = 0; n < 400; n++) {
    const args = Array.from({ length: 1 + (n % 7) }, () => pool[next()]!);
    const q = quickParse(quick, args);
    if (!q) continue;
    answered++;
    expect(q, args.join(' ')).toEqual(await viaCommander(args));
  }
  expect(answered).toBeGreaterThan(100);
});
