// Scripting: Go-template --format, --filter, ps --last/-s, images REPO[:TAG],
// and inspect in Docker's shape.
import { expect, test } from 'bun:test';
import { containerSuite } from '../helpers/container-suite.ts';
import { rocker } from '../helpers/rocker.ts';

const { env } = containerSuite();

const ok = (args: string[]) => {
  const r = rocker(args, env);
  expect(r).toMatchObject({ stderr: '', code: 0 });
  return r.stdout;
};
const fails = (args: string[], message: string) => expect(rocker(args, env)).toEqual({ code: 1, stdout: expect.any(String), stderr: `rocker: ${message}\n` });

test('ps --format: fields, json, table with Docker\'s headers, functions; unknown fields fail with one line', () => {
  const up = ok(['run', '-d', '--name', 'fmt-up', '-l', 'tier=web', '-l', 'env=prod', 'busybox', 'sleep', '1000']).trim();
  ok(['create', '--name', 'fmt-new', '-l', 'tier=db', 'busybox', 'true']);
  rocker(['run', '--name', 'fmt-done', 'busybox', 'sh', '-c', 'exit 3'], env);
  expect(ok(['ps', '--format', '{{.Names}}'])).toBe('fmt-up\n');
  expect(ok(['ps', '-a', '--format', '{{.Names}} {{.State}}'])).toBe('fmt-done exited\nfmt-new created\nfmt-up running\n');
  expect(ok(['ps', '--format', '{{.ID}}|{{.Image}}|{{.Command}}|{{.Labels}}|{{.Networks}}|{{.Pid}}'])).toMatch(new RegExp(`^${up.slice(0, 12)}\\|busybox:latest\\|"sleep 1000"\\|env=prod,tier=web\\|bridge\\|\\d+\\n$`));
  expect(ok(['ps', '--no-trunc', '--format', '{{.ID}}'])).toBe(`${up}\n`);
  expect(ok(['ps', '--format', '{{.Label "tier"}}|{{.Label "nope"}}'])).toBe('web|\n');
  expect(ok(['ps', '-a', '--filter', 'name=fmt-done', '--format', '{{.Status}}'])).toMatch(/^Exited \(3\) .* ago\n$/);
  expect(ok(['ps', '--format', '{{.Status}}'])).toMatch(/^Up /);
  expect(ok(['ps', '--format', '{{.Names | upper}} {{len .Names}} {{if eq .State "running"}}yes{{end}}'])).toBe('FMT-UP 6 yes\n');
  const json = JSON.parse(ok(['ps', '--format', '{{json .}}']));
  expect(Object.keys(json)).toEqual(['ID', 'Names', 'Image', 'Command', 'CreatedAt', 'RunningFor', 'Status', 'State', 'Ports', 'Labels', 'Mounts', 'Networks', 'Size', 'Pid']);
  const table = ok(['ps', '-a', '--format', 'table {{.Names}}\\t{{.State}}\\t{{.Image}}']).split('\n');
  expect(table).toEqual([
    'NAMES      STATE     IMAGE',
    'fmt-done   exited    busybox:latest',
    'fmt-new    created   busybox:latest',
    'fmt-up     running   busybox:latest',
    '',
  ]);
  expect(ok(['ps', '--filter', 'name=nothing', '--format', 'table {{.ID}}\\t{{.Names}}'])).toBe('CONTAINER ID   NAMES\n');
  fails(['ps', '--format', '{{.Nope}}'], 'invalid --format "{{.Nope}}": template: can\'t evaluate field Nope in type object');
  fails(['ps', '--format', '{{.Names'], 'invalid --format "{{.Names": template: unclosed action');
  fails(['ps', '--format', '{{exec "rm"}}'], 'invalid --format "{{exec \\"rm\\"}}": template: function "exec" not defined');
});

test('ps --filter: status, name (regex), label, ancestor, id, exited; OR within a key, AND across keys', () => {
  const names = (filters: string[]) => ok(['ps', '-a', ...filters.flatMap((f) => ['--filter', f]), '--format', '{{.Names}}']).trim().split('\n').filter(Boolean).sort();
  expect(names(['status=running'])).toEqual(['fmt-up']);
  expect(ok(['ps', '--filter', 'status=exited', '--format', '{{.Names}}'])).toBe('fmt-done\n'); // status implies -a, as in Docker
  expect(names(['status=exited', 'status=created'])).toEqual(['fmt-done', 'fmt-new']);
  expect(names(['name=^fmt-(up|new)$'])).toEqual(['fmt-new', 'fmt-up']);
  expect(names(['name=^/fmt-up$'])).toEqual(['fmt-up']);
  expect(names(['label=tier'])).toEqual(['fmt-new', 'fmt-up']);
  expect(names(['label=tier=db'])).toEqual(['fmt-new']);
  expect(names(['label=tier', 'status=running'])).toEqual(['fmt-up']);
  expect(names(['ancestor=busybox'])).toEqual(['fmt-done', 'fmt-new', 'fmt-up']);
  expect(names(['ancestor=busybox:nope'])).toEqual([]);
  expect(names(['exited=3'])).toEqual(['fmt-done']);
  const id = ok(['ps', '-q', '--filter', 'name=fmt-up']).trim();
  expect(names([`id=${id.slice(0, 6)}`])).toEqual(['fmt-up']);
  expect(names(['since=fmt-up'])).toEqual(['fmt-done', 'fmt-new']);
  expect(names(['before=fmt-new'])).toEqual(['fmt-up']);
  fails(['ps', '--filter', 'colour=red'], 'invalid filter "colour=red": use KEY=VALUE with KEY one of id, name, label, status, ancestor, exited, volume, health, restart-policy, before, since');
  fails(['ps', '--filter', 'status=sleepy'], 'invalid filter "status=sleepy": use one of created, restarting, running, removing, paused, exited, dead');
  fails(['ps', '--filter', 'name=(['], 'invalid filter "name=([": not a valid regular expression');
  fails(['ps', '--filter', 'before=ghost'], 'invalid filter: no such container: ghost');
});

test('ps --last/-n, --latest/-l, --size/-s', () => {
  expect(ok(['ps', '-n', '2', '--format', '{{.Names}}'])).toBe('fmt-done\nfmt-new\n');
  expect(ok(['ps', '-l', '--format', '{{.Names}}'])).toBe('fmt-done\n');
  const sized = ok(['ps', '-s']).split('\n');
  expect(sized[0]).toMatch(/ SIZE$/);
  expect(sized[1]).toMatch(/ \d+(\.\d)?[KMG]?B$/);
  expect(ok(['ps', '-s', '--format', '{{.Size}}'])).toMatch(/^\d+(\.\d)?[KMG]?B\n$/);
  fails(['ps', '-n', 'x'], 'invalid --last "x": expected a whole number');
});

test('inspect: Docker\'s shape for containers and images; -f templates; --type', () => {
  expect(ok(['inspect', '-f', '{{.State.Status}} {{.State.Running}} {{.Name}}', 'fmt-up'])).toBe('running true /fmt-up\n');
  expect(ok(['inspect', '-f', '{{.State.ExitCode}} {{.State.Status}}', 'fmt-done', 'fmt-new'])).toBe('3 exited\n0 created\n');
  expect(ok(['inspect', '-f', '{{json .Config.Labels}}', 'fmt-up'])).toBe('{"env":"prod","tier":"web"}\n');
  expect(ok(['inspect', '-f', '{{.Config.Image}} {{.Config.Cmd}} {{.Path}} {{.Args}}', 'fmt-up'])).toBe('busybox:latest [sleep 1000] sleep [1000]\n');
  expect(ok(['inspect', '-f', '{{.State.StartedAt}}', 'fmt-new'])).toBe('0001-01-01T00:00:00Z\n');
  const [c] = JSON.parse(ok(['inspect', 'fmt-up']));
  expect(Object.keys(c)).toEqual(['Id', 'Created', 'Path', 'Args', 'State', 'Image', 'Name', 'RestartCount', 'Driver', 'Platform', 'HostConfig', 'Mounts', 'Config', 'NetworkSettings']);
  expect(c.State.Pid).toBe(Number(ok(['ps', '--format', '{{.Pid}}']).trim()));
  expect(new Date(c.State.StartedAt).toISOString()).toBe(c.State.StartedAt);
  // Images: Docker's fields, and the seed's record fields kept beside them.
  const [img] = JSON.parse(ok(['inspect', 'busybox']));
  expect(img).toMatchObject({ Id: img.digest, RepoTags: ['busybox:latest'], Os: 'linux', RootFS: { Type: 'layers', Layers: img.layers }, name: 'busybox', tag: 'latest' });
  expect(ok(['inspect', '-f', '{{index .RepoTags 0}} {{.name}}:{{.tag}}', 'busybox'])).toBe('busybox:latest busybox:latest\n');
  // Every tag of the image, whichever one was asked for, in Docker's (lexical) order.
  ok(['tag', 'busybox', 'localhost/other:2']);
  ok(['tag', 'busybox', 'a/first:1']);
  expect(ok(['image', 'inspect', '-f', '{{json .RepoTags}}', 'localhost/other:2'])).toBe('["a/first:1","busybox:latest","localhost/other:2"]\n');
  ok(['rmi', 'a/first:1']);
  // One of two tags goes as an untag, though a container uses the image (by its other tag), as with Docker.
  expect(ok(['rmi', 'localhost/other:2'])).toBe('Untagged: localhost/other:2\n');
  expect(ok(['image', 'inspect', '-f', '{{json .RepoTags}}', 'busybox'])).toBe('["busybox:latest"]\n');
  // system df takes Docker's template fields too (sizes as the table prints them).
  expect(ok(['system', 'df', '--format', '{{.Type}}\t{{.TotalCount}}'])).toMatch(/^Images\t\d+\nContainers\t\d+\nLayers\t\d+\nBlobs\t\d+\nBuild cache\t\d+\n$/);
  expect(ok(['system', 'df', '--format', '{{.Size}}'])).toMatch(/^\d+(\.\d+)?[kKMGT]?B\n/);
  expect(ok(['inspect', '--type', 'container', '-f', '{{.Name}}', 'fmt-up'])).toBe('/fmt-up\n');
  expect(rocker(['inspect', '--type', 'image', 'fmt-up'], env)).toEqual({ code: 1, stdout: '[]\n', stderr: 'rocker: no such image: fmt-up\n' });
  const partly = rocker(['inspect', '-f', '{{.Name}}', 'fmt-up', 'ghost'], env);
  expect(partly).toEqual({ code: 1, stdout: '/fmt-up\n', stderr: 'rocker: no such image or container: ghost\n' });
  fails(['inspect', '-f', '{{.State.Nope}}', 'fmt-up'], 'invalid --format "{{.State.Nope}}": template: can\'t evaluate field Nope in type object');
});

test('images REPO[:TAG], --filter reference/dangling/label, --format', () => {
  ok(['tag', 'busybox', 'other/box:v1']);
  expect(ok(['images', 'busybox', '--format', '{{.Repository}}:{{.Tag}}'])).toBe('busybox:latest\n');
  expect(ok(['images', 'other/box:v1', '--format', '{{.Repository}}:{{.Tag}}'])).toBe('other/box:v1\n');
  expect(ok(['images', 'other/box:v2', '--format', '{{.Repository}}'])).toBe('');
  expect(ok(['images', '--filter', 'reference=other/*', '--format', '{{.Repository}}'])).toBe('other/box\n');
  expect(ok(['images', '--filter', 'reference=*:v1', '--format', '{{.Repository}}'])).toBe('');
  expect(ok(['images', '--filter', 'reference=*/*:v1', '--format', '{{.Repository}}'])).toBe('other/box\n');
  expect(ok(['images', '--filter', 'dangling=true', '-q'])).toBe('');
  expect(ok(['images', '--filter', 'label=none', '-q'])).toBe('');
  expect(ok(['images', '-q'])).toMatch(/^[0-9a-f]{12}\n$/); // two tags, one image: one id
  const table = ok(['images', '--format', 'table {{.Repository}}\\t{{.Tag}}\\t{{.ID}}']).split('\n');
  expect(table[0]).toBe('REPOSITORY   TAG       IMAGE ID');
  expect(table).toHaveLength(4);
  fails(['images', '--filter', 'dangling=maybe'], 'invalid filter "dangling=maybe": expected true or false');
  fails(['images', 'Bad/Name'], 'invalid repository "Bad/Name": "Bad" has uppercase letters (repository names must be lowercase)');
  ok(['rm', '-f', 'fmt-up', 'fmt-new', 'fmt-done']);
  ok(['rmi', 'other/box:v1']);
});

test('output that cannot be written: a reader gone is quiet, a full destination is one line naming the output', () => {
  const bin = `${import.meta.dir}/../../bin/rocker`;
  const sh = (cmd: string) => Bun.spawnSync(['sh', '-c', cmd], { env: { ...process.env, ...env } });
  const gone = sh(`"${bin}" ps -a --format '{{.Names}}{{.Status}}{{.Image}}{{.Command}}' | (exec 0<&-; true)`);
  expect(gone.stderr.toString()).toBe('');
  for (const args of ['ps -a', 'images', '--version']) {
    const full = sh(`"${bin}" ${args} >/dev/full`);
    expect(full.stderr.toString()).toBe('rocker: cannot write to standard output: no space left on device\n');
    expect(full.exitCode).not.toBe(0);
  }
});
