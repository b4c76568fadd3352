// Issue 9, items 7 and 8: a failed build names its step and leaves nothing
// behind; concurrent first runs build once; custom bases without useradd
// (busybox, Alpine-style) work; bases are listed under a readable name.
import { afterAll, expect, test } from 'bun:test';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { allContainerIds, DEBIAN, engineCli } from '../helpers/ocx-engine.ts';
import { ocx, ocxBackground, sandbox } from '../helpers/ocx.ts';

const sb = sandbox();
const BUSYBOX = `ocx-e2e-busybox:${process.pid}`;
const lines = (s: string) => s.split('\n').filter(Boolean);
const containers = allContainerIds;
const dangling = () => lines(engineCli(['images', '-q', '--no-trunc', '--filter', 'dangling=true']).stdout).sort();

afterAll(() => {
  engineCli(['rmi', BUSYBOX]);
});

test('a failed build names the failing step and leaves no container or dangling image', () => {
  const dir = sb.project('broken', { network: 'host', custom_base_dockerfile: 'Dockerfile' });
  writeFileSync(join(dir, 'Dockerfile'), `FROM ${DEBIAN}\nRUN echo one-${process.pid} > /one\nRUN echo two > /two && exit 3\n`);
  const [cs, ds] = [containers(), dangling()];
  const r = ocx(['build'], dir, sb.env);
  expect(r.code).toBe(1);
  const last = lines(r.stderr).at(-1)!;
  expect(last).toMatch(/^ocx: building localhost\/ocx-base-broken:[0-9a-f]{12} failed at step 3 "RUN echo two > \/two && exit 3" \(exit code 3\); the log is above; a custom base needs \/bin\/sh .*\(see "Custom bases" in docs\/ocx\.md\)$/);
  expect(containers()).toEqual(cs);
  expect(dangling()).toEqual(ds);
});

test('two first runs at once build each image once; the second waits and reuses', async () => {
  const dir = sb.project('twice', { network: 'host', custom_base_dockerfile: 'Dockerfile' });
  writeFileSync(join(dir, 'Dockerfile'), `FROM ${DEBIAN}\nRUN sleep 3 && echo twice-${process.pid} > /twice\n`);
  const [a, b] = [ocxBackground(['build'], dir, sb.env), ocxBackground(['build'], dir, sb.env)];
  expect(await Promise.all([a.done, b.done])).toEqual([0, 0]);
  const all = a.output() + b.output();
  expect(all.match(/^Building base image /gm)).toHaveLength(1);
  expect(all.match(/^Building final image /gm)).toHaveLength(1);
  expect(all).toMatch(/^Waiting for another ocx \(pid \d+\) to finish building /m);
});

test('a busybox base without useradd (an Alpine-style base with its own user at the same uid) gets the user', () => {
  const ctx = join(sb.home, 'busybox-ctx');
  mkdirSync(ctx, { recursive: true });
  copyFileSync('/usr/bin/busybox', join(ctx, 'busybox'));
  writeFileSync(join(ctx, 'Dockerfile'), [
    'FROM scratch', 'COPY busybox /bin/busybox', 'RUN ["/bin/busybox", "--install", "-s", "/bin"]',
    // The busybox image's users, plus one at 1000 as node:20-alpine has.
    "RUN mkdir -p /etc /tmp /home/node && printf 'root:x:0:0:root:/root:/bin/sh\\nnode:x:1000:1000::/home/node:/bin/sh\\n' > /etc/passwd && printf 'root:x:0:\\nnode:x:1000:\\n' > /etc/group", '',
  ].join('\n'));
  expect(engineCli(['build', '-q', '-t', BUSYBOX, ctx]).code).toBe(0);
  const dir = sb.project('tiny', { network: 'host', custom_base_dockerfile: 'Dockerfile', uid: 1000, gid: 1000 });
  writeFileSync(join(dir, 'Dockerfile'), `FROM ${BUSYBOX}\n`);
  const r = ocx(['build'], dir, sb.env);
  expect(r.stdout).toContain('Built localhost/ocx-tiny:');
  expect(r.code).toBe(0);
  const ref = lines(r.stdout).at(-1)!.replace('Built ', '');
  const inside = engineCli(['run', '--rm', '--network', 'none', ref, 'sh', '-c', 'grep "^ocxuser:" /etc/passwd; stat -c "%u:%g" /home/ocxuser /home/ocxuser/.local; id -u']);
  expect(inside.stdout).toBe('ocxuser:x:1000:1000::/home/ocxuser:/bin/sh\n1000:1000\n1000:1000\n1000\n');
});

test('custom bases are listed under a readable name, the hash still in the tag', () => {
  const list = JSON.parse(ocx(['image', 'list', '--json', '--base'], sb.project('tiny', { network: 'host', custom_base_dockerfile: 'Dockerfile', uid: 1000, gid: 1000 }), sb.env).stdout) as Array<{ ref: string; name: string; tag: string; tags: string[] }>;
  const tiny = list.find((i) => i.name === 'localhost/ocx-base-tiny');
  expect(tiny?.tag).toMatch(/^[0-9a-f]{12}$/);
  // Finals and other projects find it by the hash tag.
  expect(tiny?.ref).toBe(`localhost/ocx-base:${tiny!.tag}`);
  expect(ocx(['image', 'list', '--base'], sb.project('tiny', { network: 'host', custom_base_dockerfile: 'Dockerfile', uid: 1000, gid: 1000 }), sb.env).stdout).toMatch(/^ {2}localhost\/ocx-base-tiny:[0-9a-f]{12} /m);
});
