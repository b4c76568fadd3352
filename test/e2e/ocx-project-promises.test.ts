// Issue 9, item 9: the project is found from any sub-directory; `shell -c`
// and `stop --all`; "did you mean" by edit distance; a forbidden path that
// leaves the workspace is named, not skipped in silence.
import { afterAll, expect, test } from 'bun:test';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { engineCli } from '../helpers/ocx-engine.ts';
import { ocx, ocxBackground, sandbox, waitFor } from '../helpers/ocx.ts';

const sb = sandbox();
const dir = sb.project('rooted-app', { network: 'host', memory: '768m' });
const sub = join(dir, 'src', 'deep');
mkdirSync(sub, { recursive: true });
const names = () => engineCli(['ps', '--format', '{{.Names}}']).stdout.split('\n').filter(Boolean);
const started: string[] = [];

afterAll(() => {
  for (const n of started) engineCli(['rm', '-f', n]);
});

test('in a sub-directory, the nearest ocx.json is the project: its config, port and workspace', () => {
  const cfg = ocx(['config', '--json'], sub, sb.env);
  expect(cfg.code).toBe(0);
  expect(JSON.parse(cfg.stdout).memory).toBe('768m');
  expect(ocx(['port'], sub, sb.env).stdout).toBe(ocx(['port'], dir, sb.env).stdout);
  const argv = JSON.parse(ocx(['opencode', '--version'], sub, { ...sb.env, OCX_DRY_RUN: '1' }).stdout) as string[];
  expect(argv).toContain(`${dir}:/home/ocxuser/rooted-app:rw`);
  expect(argv[argv.indexOf('--workdir') + 1]).toBe('/home/ocxuser/rooted-app/src/deep');
  expect(argv[argv.indexOf('--name') + 1]).toBe(`ocx-rooted-app-${ocx(['port'], dir, sb.env).stdout.trim()}`);
});

test('a relative OCX_WORKSPACE is taken from where you are, as a shell would', () => {
  const argv = JSON.parse(ocx(['opencode', '--version'], sub, { ...sb.env, OCX_DRY_RUN: '1', OCX_WORKSPACE: '..' }).stdout) as string[];
  expect(argv).toContain(`${join(dir, 'src')}:/home/ocxuser/rooted-app/src:rw`);
  expect(argv[argv.indexOf('--workdir') + 1]).toBe('/home/ocxuser/rooted-app/src/deep');
});

test('without an ocx.json, the git root is the project', () => {
  const repo = join(sb.home, 'plain-repo');
  mkdirSync(join(repo, 'lib'), { recursive: true });
  spawnSync('git', ['init', '-q', repo]);
  expect(ocx(['port'], join(repo, 'lib'), sb.env).stdout).toBe(ocx(['port'], repo, sb.env).stdout);
});

test('misspelt keys get a "did you mean" by edit distance', () => {
  for (const [typo, key] of [['memroy', 'memory'], ['netwrok', 'network'], ['pid_limit', 'pids_limit']] as const) {
    const p = sb.project(`typo-${typo}`, { [typo]: 'x' });
    const r = ocx(['config'], p, sb.env);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`ocx: ${join(p, 'ocx.json')}: unknown key "${typo}" (did you mean "${key}"?); see 'ocx config --sources' for the keys\n`);
  }
});

test('a forbidden path outside the workspace is named in a warning', () => {
  const p = sb.project('escape', { network: 'host', forbidden_paths: ['../../../etc/passwd', 'fine'] });
  const r = ocx(['opencode', '--version'], p, { ...sb.env, OCX_DRY_RUN: '1' });
  expect(r.code).toBe(0);
  expect(r.stderr).toContain('warning: forbidden_paths entry "../../../etc/passwd" is outside the workspace');
});

test('shell -c runs one command; stop --all stops every ocx container', async () => {
  expect(ocx(['build'], dir, sb.env).code).toBe(0);
  const other = sb.project('rooted-other');
  const a = ocxBackground(['opencode', 'serve', '--hostname', '127.0.0.1', '--port', '0'], sub, sb.env);
  const b = ocxBackground(['opencode', 'serve', '--hostname', '127.0.0.1', '--port', '0'], other, sb.env);
  const na = `ocx-rooted-app-${ocx(['port'], dir, sb.env).stdout.trim()}`;
  const nb = `ocx-rooted-other-${ocx(['port'], other, sb.env).stdout.trim()}`;
  started.push(na, nb);
  await waitFor(() => names().includes(na) && names().includes(nb), 120_000, `containers ${na} and ${nb}`);
  // From the project root while the session was started in a sub-directory: the shell starts where you are.
  const sh = ocx(['shell', '-c', 'echo "$HOME $(pwd)"'], dir, sb.env);
  expect(sh.stdout).toBe('/home/ocxuser /home/ocxuser/rooted-app\n');
  expect(sh.code).toBe(0);
  expect(ocx(['shell', '-c', 'exit 7'], dir, sb.env).code).toBe(7);
  const stop = ocx(['stop', '--all'], dir, sb.env);
  expect(stop.code).toBe(0);
  expect(stop.stdout).toContain(`Stopped ${na}`);
  expect(stop.stdout).toContain(`Stopped ${nb}`);
  await Promise.all([a.done, b.done]);
  expect(names().filter((n) => n === na || n === nb)).toEqual([]);
});
