// rocker search against a real CNCF distribution registry (Debian's
// docker-registry, which has no search endpoint: rocker filters its
// /v2/_catalog) and against a registry that answers Docker's /v1/search.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { busyboxTar, rocker, ROCKER, tempStore } from '../helpers/rocker.ts';
import { makeImage, startRegistry, uploadImage, type TestRegistry } from '../helpers/registry.ts';

let reg: TestRegistry;
const store = tempStore('rocker-search-');
const { env } = store;
let v1: ReturnType<typeof Bun.serve>;
const v1Queries: string[] = [];

beforeAll(async () => {
  reg = await startRegistry();
  const image = makeImage([readFileSync(busyboxTar())]);
  for (const [repo, tag] of [['busybox', 'latest'], ['busybox', '1.36'], ['tools/busybox-extras', 'v1'], ['alpine', 'latest']] as const) await uploadImage(reg.host, repo, tag, image);
  // A registry that has Docker's v1 search (as Docker Hub and Harbor do), on a free port.
  v1 = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    fetch(req) {
      const url = new URL(req.url);
      if (url.pathname !== '/v1/search') return new Response('404 page not found\n', { status: 404 });
      v1Queries.push(url.search);
      const results = [
        { name: 'busybox', description: 'Busybox base image.', star_count: 3412, is_official: true, is_automated: false },
        { name: 'someone/busybox-with-a-rather-long-name', description: 'A description that is much longer than forty-five characters, to be cut', star_count: 12, is_official: false, is_automated: true },
        { name: 'other/tiny', description: '', star_count: 0, is_official: false, is_automated: false },
      ];
      return Response.json({ num_results: results.length, query: url.searchParams.get('q'), results });
    },
  });
});

afterAll(async () => {
  v1.stop(true);
  await reg.stop();
  store.cleanup();
});

const ok = (args: string[]) => {
  const r = rocker(args, env);
  expect(r).toMatchObject({ code: 0, stderr: '' });
  return r.stdout;
};

test('a registry without search: its catalog filtered by the term, in Docker\'s columns', () => {
  const h = reg.host;
  const w = `${h}/tools/busybox-extras`.length;
  const row = (name: string, desc: string, stars: string, official: string) => `${name.padEnd(w)}  ${desc.padEnd(11)}  ${stars.padEnd(5)}  ${official}`.trimEnd();
  expect(ok(['search', `${h}/busy`])).toBe([row('NAME', 'DESCRIPTION', 'STARS', 'OFFICIAL'), row(`${h}/busybox`, '', '0', ''), row(`${h}/tools/busybox-extras`, '', '0', ''), ''].join('\n'));
  expect(ok(['search', '--format', '{{.Name}}', `${h}/BOX`])).toBe(`${h}/busybox\n${h}/tools/busybox-extras\n`);
  expect(ok(['search', '--format', '{{.Name}}', '--limit', '1', `${h}/busy`])).toBe(`${h}/busybox\n`);
  // An empty term after the registry lists the whole catalog.
  expect(ok(['search', '--format', '{{.Name}}', `${h}/`])).toBe(`${h}/alpine\n${h}/busybox\n${h}/tools/busybox-extras\n`);
  expect(ok(['search', '--format', '{{.Name}}', `${h}/nothing-like-it`])).toBe('');
  expect(JSON.parse(ok(['search', '--format', 'json', `${h}/alpine`]))).toEqual([{ Name: `${h}/alpine`, Description: '', StarCount: 0, IsOfficial: false, IsAutomated: false }]);
  // A catalog has no stars and no official images: these filters leave nothing.
  expect(ok(['search', '--format', '{{.Name}}', '--filter', 'stars=1', `${h}/busy`])).toBe('');
  expect(ok(['search', '--format', '{{.Name}}', '--filter', 'is-official=false', `${h}/busy`])).toBe(`${h}/busybox\n${h}/tools/busybox-extras\n`);
});

test('--list-tags: one repository\'s tags, as Podman lists them', () => {
  const h = reg.host;
  const w = `${h}/busybox`.length;
  expect(ok(['search', '--list-tags', `${h}/busybox`])).toBe(`${'NAME'.padEnd(w)}  TAG\n${h}/busybox  1.36\n${h}/busybox  latest\n`);
  expect(ok(['search', '--list-tags', '--limit', '1', '--format', '{{.Name}}:{{.Tag}}', `${h}/busybox`])).toBe(`${h}/busybox:1.36\n`);
  const missing = rocker(['search', '--list-tags', `${h}/nope`], env);
  expect(missing.code).toBe(1);
  expect(missing.stderr).toMatch(/^rocker: .*nope.*not found.*\n$/);
});

/** rocker run without blocking this process: the v1 registry above is served from here. */
async function okAsync(args: string[]): Promise<string> {
  const child = Bun.spawn([ROCKER, ...args], { env, stdout: 'pipe', stderr: 'pipe' });
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  return stdout;
}

test("a registry with Docker's /v1/search: its answer, descriptions cut at 45 characters unless --no-trunc", async () => {
  const h = `127.0.0.1:${v1.port}`;
  const table = (await okAsync(['search', `${h}/busybox`])).split('\n');
  expect(table[0]).toMatch(/^NAME +DESCRIPTION +STARS +OFFICIAL$/);
  expect(table[1]).toMatch(/^busybox +Busybox base image\. +3412 +\[OK\]$/);
  expect(table[2]).toMatch(/^someone\/busybox-with-a-rather-long-name +A description that is much longer than forty… +12$/);
  expect(table[3]).toMatch(/^other\/tiny +0$/);
  expect(await okAsync(['search', '--no-trunc', '--format', '{{.Description}}', '--limit', '2', `${h}/busybox`])).toBe('Busybox base image.\nA description that is much longer than forty-five characters, to be cut\n');
  expect(await okAsync(['search', '--format', '{{.Name}} {{.StarCount}} {{.IsOfficial}}', '--filter', 'stars=10', '--filter', 'is-official=true', `${h}/busybox`])).toBe('busybox 3412 true\n');
  expect(v1Queries.at(-1)).toBe('?q=busybox&n=25');
});

test('bad input and an unreachable registry: one line, exit 1 (a usage error 125)', () => {
  const usage = rocker(['search'], env);
  expect(usage).toEqual({ code: 125, stdout: '', stderr: "rocker: missing required argument 'term'\n" });
  const cases: Array<[string[], RegExp]> = [
    [['search', '--limit', '0', 'x'], /^rocker: invalid --limit "0": .*1.*100/],
    [['search', '--filter', 'color=red', 'x'], /^rocker: invalid --filter "color=red"/],
    [['search', '--filter', 'stars=many', 'x'], /^rocker: invalid --filter "stars=many"/],
    [['search', '127.0.0.1:1/busybox'], /^rocker: .*127\.0\.0\.1:1.*connection refused/],
  ];
  for (const [args, message] of cases) {
    const r = rocker(args, env);
    expect({ args, code: r.code, stdout: r.stdout, lines: r.stderr.split('\n').length }).toEqual({ args, code: 1, stdout: '', lines: 2 });
    expect(r.stderr).toMatch(message);
  }
});
