// rocker build: Dockerfiles into layered images, with the real runtime.
import { expect, test } from 'bun:test';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { containerSuite } from '../helpers/container-suite.ts';
import { FINAL_DOCKERFILE } from '../../src/ocx/images/dockerfiles.ts';
import { docker, REPO, TEST_CACHE } from '../helpers/docker.ts';
import { startRegistry } from '../helpers/registry.ts';
import { ROCKER, rocker, type Result } from '../helpers/rocker.ts';

const { env, root, dir } = containerSuite();

/** A fresh context directory with these files (a string is a file's content). */
function context(files: Record<string, string>): string {
  const ctx = mkdtempSync(join(dir, 'ctx-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(ctx, name, '..'), { recursive: true });
    writeFileSync(join(ctx, name), content);
  }
  return ctx;
}

const build = (args: string[], opts: { input?: string } = {}): Result => rocker(['build', ...args], env, { input: opts.input });
const runOut = (image: string, script: string) => rocker(['run', '--rm', image, 'sh', '-c', script], env);
const inspect = (image: string) => JSON.parse(rocker(['inspect', image], env).stdout)[0];
/** Nothing a build stages or runs is left: no container, no staging directory, no pins. */
function nothingLeft(): void {
  expect(rocker(['ps', '-aq'], env).stdout).toBe('');
  const list = (d: string) => (existsSync(join(root, d)) ? readdirSync(join(root, d)) : []);
  expect(list('containers').filter((e) => e !== '.names')).toEqual([]);
  expect(list('tmp').filter((e) => /^(build|layer)-/.test(e) || e.startsWith(`pin-`))).toEqual([]);
}

test('every instruction: RUN (shell, JSON, heredoc), COPY/ADD, ENV, ARG, WORKDIR, USER, CMD, ENTRYPOINT, EXPOSE, LABEL, VOLUME, STOPSIGNAL, HEALTHCHECK, SHELL', () => {
  const ctx = context({ 'a.txt': 'alpha\n', 'sub/s.txt': 'sub\n', 'b.txt': 'beta\n' });
  linkSync(join(ctx, 'sub', 's.txt'), join(ctx, 'sub', 'hard.txt'));
  spawnSync('tar', ['-czf', join(ctx, 'arch.tgz'), '-C', ctx, 'sub']);
  writeFileSync(join(ctx, 'Dockerfile'), `# syntax=docker/dockerfile:1
ARG BASE=busybox
FROM \${BASE}
ARG WHO=world
ENV GREETING="hello \${WHO}" \\
    EMPTY= \\
    DEF=\${UNSET:-fallback} ALT=\${WHO:+set}
# a comment between instructions
RUN echo "json form   keeps spaces" > /shell.txt
RUN ["sh", "-c", "echo exec   form > /json.txt"]
RUN <<EOF
echo from heredoc > /heredoc.txt
EOF
WORKDIR /app
COPY a.txt b.txt ./
COPY --chown=1000:1000 --chmod=700 sub /app/sub/
ADD arch.tgz /unpacked/
COPY *.txt /globbed/
SHELL ["/bin/sh", "-c"]
RUN echo "$WHO" > /arg.txt
USER 1000
EXPOSE 80 53/udp
LABEL a=b "c d"=e
VOLUME /data
STOPSIGNAL SIGINT
HEALTHCHECK --interval=5s --retries=3 CMD true
ENTRYPOINT ["sh", "-c"]
CMD ["cat /shell.txt /json.txt /heredoc.txt /arg.txt"]
`);
  const r = build(['-t', 'every:1', '--build-arg', 'WHO=rocker', '--label', 'x=y', ctx]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^Step 1\/22 : FROM \$\{BASE\}\n ---> [0-9a-f]{12}\n/);
  expect(r.stdout).toMatch(/\nSuccessfully built [0-9a-f]{12}\nSuccessfully tagged every:1\n$/);
  expect(rocker(['run', '--rm', 'every:1'], env).stdout).toBe('json form   keeps spaces\nexec form\nfrom heredoc\nrocker\n');
  const files = rocker(['run', '--rm', '--user', '0', 'every:1', 'echo "$GREETING|$EMPTY|$DEF|$ALT"; pwd; cat a.txt b.txt; stat -c "%u:%g %a %n" sub sub/s.txt; cat /unpacked/sub/s.txt; ls /globbed'], env);
  expect(files.stdout).toBe('hello rocker||fallback|set\n/app\nalpha\nbeta\n1000:1000 700 sub\n1000:1000 700 sub/s.txt\nsub\na.txt\nb.txt\n');
  // Hard links in the context stay hard links in the image.
  expect(rocker(['run', '--rm', 'every:1', 'stat -c %h /app/sub/s.txt; test /app/sub/s.txt -ef /app/sub/hard.txt && echo same'], env).stdout).toBe('2\nsame\n');
  const c = inspect('every:1').config;
  expect(c.Env).toContain('GREETING=hello rocker');
  expect(c.Env.some((e: string) => e.startsWith('WHO='))).toBe(false);
  expect(c.User).toBe('1000');
  expect(c.WorkingDir).toBe('/app');
  expect(c.Entrypoint).toEqual(['sh', '-c']);
  expect(c.Cmd).toEqual(['cat /shell.txt /json.txt /heredoc.txt /arg.txt']);
  expect(c.ExposedPorts).toEqual({ '80/tcp': {}, '53/udp': {} });
  expect(c.Labels).toEqual({ a: 'b', 'c d': 'e', x: 'y' });
  expect(c.Volumes).toEqual({ '/data': {} });
  expect(c.StopSignal).toBe('SIGINT');
  expect(c.Healthcheck).toEqual({ Test: ['CMD-SHELL', 'true'], Interval: 5_000_000_000, Retries: 3 });
  expect(c.Shell).toEqual(['/bin/sh', '-c']);
  // One layer per file-changing step on the base's (WORKDIR made /app), a history entry per step.
  expect(inspect('every:1').layers.length).toBe(inspect('busybox').layers.length + 9);
  const history = rocker(['history', '--no-trunc', '--format', 'json', 'every:1'], env);
  expect(history.stdout).toContain('RUN |1 WHO=rocker /bin/sh -c echo \\"$WHO\\" > /arg.txt');
  nothingLeft();
});

test('the cache: a rebuild reuses every step and gives the same id; a changed file re-runs from its COPY on; --no-cache runs all', () => {
  const ctx = context({ 'a.txt': 'one\n', 'b.txt': 'bee\n', Dockerfile: 'FROM busybox\nRUN echo first > /first\nCOPY a.txt /a.txt\nRUN cat /a.txt > /copy\nCOPY b.txt /b.txt\nCMD ["cat", "/copy"]\n' });
  const first = build(['-q', '-t', 'cached:1', ctx]);
  expect(first.code).toBe(0);
  const again = build(['-t', 'cached:1', ctx]);
  expect(again.stdout.match(/Using cache/g)?.length).toBe(5);
  expect(again.stdout).toContain(`Successfully built ${first.stdout.trim().slice(7, 19)}`);
  writeFileSync(join(ctx, 'a.txt'), 'two\n');
  const changed = build(['-t', 'cached:2', ctx]);
  expect(changed.code).toBe(0);
  // Step 2 (before the change) is cached; from the COPY of a.txt on, nothing is.
  const cachedSteps = [...changed.stdout.matchAll(/Step (\d)\/6 : [^\n]*\n ---> Using cache/g)].map((m) => m[1]);
  expect(cachedSteps).toEqual(['2']);
  expect(rocker(['run', '--rm', 'cached:2'], env).stdout).toBe('two\n');
  // Only content counts, not times: touching a file keeps the cache.
  spawnSync('touch', [join(ctx, 'b.txt')]);
  expect(build(['-t', 'cached:2', ctx]).stdout.match(/Using cache/g)?.length).toBe(5);
  const none = build(['--no-cache', '-t', 'cached:3', ctx]);
  expect(none.code).toBe(0);
  expect(none.stdout).not.toContain('Using cache');
  // Prune drops the cache (and the layers only it kept); the images stay intact.
  const df = () => JSON.parse(rocker(['system', 'df', '--format', 'json'], env).stdout).build_cache;
  expect(df().total).toBeGreaterThan(0);
  expect(rocker(['image', 'prune'], env).code).toBe(0);
  expect(df()).toEqual({ total: 0, active: 0, size: 0, shared: 0, reclaimable: 0 });
  expect(build(['-t', 'cached:4', ctx]).stdout).not.toContain('Using cache');
  expect(rocker(['run', '--rm', 'cached:1'], env).stdout).toBe('one\n');
  nothingLeft();
});

test('multi-stage: --target, COPY --from a stage, unneeded stages are not built', () => {
  const ctx = context({
    Dockerfile: `FROM busybox AS base
RUN echo base > /base.txt
FROM base AS builder
RUN echo built > /artifact
FROM busybox AS broken
RUN exit 3
FROM busybox
COPY --from=builder /artifact /from-builder
COPY --from=0 /base.txt /from-base
COPY --from=busybox --chown=nobody /etc/group /from-image
CMD ["cat", "/from-builder", "/from-base"]
`,
  });
  const r = build(['-t', 'multi:1', ctx]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).not.toContain('exit 3');
  expect(rocker(['run', '--rm', 'multi:1'], env).stdout).toBe('built\nbase\n');
  expect(runOut('multi:1', 'stat -c "%u:%g" /from-image').stdout).toBe('65534:65534\n');
  const t = build(['-t', 'multi:base', '--target', 'base', '--build-arg', 'NOBODY=x', ctx]);
  expect(t.stdout).toContain('[Warning] One or more build-args [NOBODY] were not consumed\n');
  expect(t.stdout).toMatch(/Step 1\/2 : FROM busybox AS base/);
  expect(runOut('multi:base', 'cat /base.txt; test -e /artifact || echo no-artifact').stdout).toBe('base\nno-artifact\n');
  expect(build(['--target', 'nosuch', ctx]).stderr).toBe('rocker: Dockerfile line 1: target stage "nosuch" is not defined\n');
});

test('.dockerignore: Docker semantics (patterns from the root, **, ! exceptions), beside the Dockerfile too', () => {
  const ctx = context({
    '.dockerignore': '*.log\n**/secret\ndocs\n!docs/keep.md\n',
    'app.log': 'x', 'ok.txt': 'ok', 'deep/er/secret': 's', 'deep/er/fine': 'f', 'docs/drop.md': 'd', 'docs/keep.md': 'k',
    Dockerfile: 'FROM busybox\nCOPY . /ctx/\n',
  });
  expect(build(['-t', 'ign:1', ctx]).code).toBe(0);
  expect(runOut('ign:1', 'cd /ctx && find . -type f | sort').stdout).toBe('./.dockerignore\n./Dockerfile\n./deep/er/fine\n./docs/keep.md\n./ok.txt\n');
  const r = build(['-f', join(ctx, 'Dockerfile'), ctx], { input: '' });
  expect(r.code).toBe(0);
  writeFileSync(join(ctx, 'Other'), 'FROM busybox\nCOPY app.log /\n');
  expect(build(['-f', join(ctx, 'Other'), ctx]).stderr).toBe('rocker: Other line 2: COPY app.log: no such file or directory in the build context (or excluded by .dockerignore)\n');
  symlinkSync('app.log', join(ctx, 'alias'));
  expect(build(['-f', '-', ctx], { input: 'FROM busybox\nCOPY alias /\n' }).stderr).toBe('rocker: Dockerfile (stdin) line 2: COPY alias: it leads to app.log, which .dockerignore excludes\n');
  writeFileSync(join(ctx, 'Other.dockerignore'), 'ok.txt\n');
  expect(build(['-f', join(ctx, 'Other'), ctx]).code).toBe(0);
});

test('hostile contexts: ../ paths, symlinks out (absolute and relative) are refused with one line and leave nothing', () => {
  const ctx = context({ 'in.txt': 'in' });
  symlinkSync('/etc/passwd', join(ctx, 'abs'));
  symlinkSync('../../../../etc/passwd', join(ctx, 'rel'));
  mkdirSync(join(ctx, 'd'));
  symlinkSync('/etc', join(ctx, 'd', 'etc'));
  const cases: [string, string][] = [
    ['COPY ../outside /x', 'COPY ../outside: the path leads outside the build context'],
    ['COPY abs /x', 'COPY abs: symbolic link abs points outside the build context (/etc/passwd)'],
    ['COPY rel /x', 'COPY rel: the path (or a symbolic link in it) leads outside the build context'],
    ['COPY d/etc/passwd /x', 'COPY d/etc/passwd: symbolic link d/etc points outside the build context (/etc)'],
    ['ADD sub/../../x /x', 'ADD sub/../../x: the path leads outside the build context'],
  ];
  for (const [line, msg] of cases) {
    const r = build(['-q', '-f', '-', ctx], { input: `FROM busybox\n${line}\n` });
    expect(r.stderr).toBe(`rocker: Dockerfile (stdin) line 2: ${msg}\n`);
    expect(r.code).toBe(1);
  }
  // An absolute source is inside the context, as in Docker; a symlink copied inside a directory stays a link.
  writeFileSync(join(ctx, 'Dockerfile'), 'FROM busybox\nCOPY /in.txt /in.txt\nCOPY d /d\n');
  expect(build(['-t', 'hostile:ok', ctx]).code).toBe(0);
  expect(runOut('hostile:ok', 'cat /in.txt; readlink /d/etc').stdout).toBe('in/etc\n');
  nothingLeft();
});

test('a failing RUN: one line naming the step and exit code, exit 1, nothing tagged or left behind', () => {
  const ctx = context({ Dockerfile: 'FROM busybox\nRUN echo partial > /p\nRUN echo out; echo err >&2; exit 7\nCMD ["true"]\n' });
  const before = rocker(['images', '-q'], env).stdout;
  // --force-rm (Docker's, which ocx passes) is accepted: step containers never outlive their step here.
  const r = build(['--force-rm', '-t', 'fails:1', ctx]);
  expect(r.code).toBe(1);
  expect(r.stdout).toContain('out\n');
  expect(r.stderr).toBe('err\nrocker: step 3/4: RUN echo out; echo err >&2; exit 7: exit code 7\n');
  expect(rocker(['images', '-q'], env).stdout).toBe(before);
  // With -q the step's output is not shown as it comes, so the failure shows it.
  const quiet = build(['-q', ctx]);
  expect(quiet.stdout).toBe('');
  // (The log keeps each stream's order, not the order across the two.)
  const lines = quiet.stderr.split('\n');
  expect(lines.slice(0, 2).sort()).toEqual(['err', 'out']);
  expect(lines.slice(2)).toEqual(['rocker: step 3/4: RUN echo out; echo err >&2; exit 7: exit code 7', '']);
  nothingLeft();
});

test('a bad Dockerfile names the line: unknown instruction, bad flag, unterminated heredoc, no FROM', () => {
  const ctx = context({});
  const cases: [string, string][] = [
    ['FROM busybox\n\nRUN true \\\n  && true\nFOO bar\n', 'line 5: unknown instruction "FOO"'],
    ['FROM busybox\nCOPY --frm=x a /b\n', 'line 2: COPY: unknown flag --frm'],
    ['FROM busybox\nRUN <<EOF\necho\n', 'line 2: heredoc <<EOF is not terminated'],
    ['RUN true\n', 'line 1: RUN before the first FROM: only ARG may come before FROM'],
    ['FROM busybox\nENV A="unterminated\n', 'line 2: unterminated double quote in ""unterminated"'],
    ['FROM localhost:1/nosuchimage\n', 'line 1: no such image localhost:1/nosuchimage here, and cannot pull localhost:1/nosuchimage:latest: cannot reach localhost:1: connection refused (ECONNREFUSED)'],
  ];
  const flags: [string[], string][] = [
    [['--build-arg', '=x'], 'invalid --build-arg "=x": expected KEY=VALUE or KEY'],
    [['--label', 'nolabel'], 'invalid --label "nolabel": expected KEY=VALUE'],
    [['--network', 'bridge'], "option '--network <mode>' argument 'bridge' is invalid. Allowed choices are none, host, default."],
    [['--platform', 'linux/s390x'], 'platform linux/s390x is not supported: rocker builds for linux/amd64 only'],
  ];
  for (const [args, msg] of flags) expect(build([...args, '-'], { input: 'FROM busybox\n' }).stderr).toBe(`rocker: ${msg}\n`);
  for (const [text, msg] of cases) {
    const r = build(['-f', '-', ctx], { input: text });
    expect(r.stderr.split('\n').filter(Boolean).at(-1)).toBe(`rocker: Dockerfile (stdin) ${msg}`);
    expect(r.code).toBe(1);
  }
  nothingLeft();
});

test('stdin: `-` builds without a context, -q prints only the id, --iidfile writes it', () => {
  const iid = join(dir, 'iid');
  const r = build(['-q', '--iidfile', iid, '-t', 'stdin:1', '-'], { input: 'FROM busybox\nRUN echo from-stdin > /s\n' });
  expect(r.stderr).toBe('');
  expect(r.stdout).toMatch(/^sha256:[0-9a-f]{64}\n$/);
  expect(readFileSync(iid, 'utf8')).toBe(r.stdout.trim());
  expect(runOut('stdin:1', 'cat /s').stdout).toBe('from-stdin\n');
  expect(build(['-'], { input: 'FROM busybox\nCOPY x /x\n' }).stderr).toContain('there is no build context');
});

test('heredocs (RUN, COPY), ADD of a URL, ONBUILD triggers, the escape directive, a missing base (and --from image) pulled from a registry', async () => {
  const files = context({ 'served.txt': 'downloaded\n' });
  // A static file server in a child process (the tests' own process blocks in spawnSync while rocker
  // downloads); port 0, so it binds a free port itself and reports it: no probe-then-bind race.
  const serve = `const s = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: (r) => new Response(Bun.file('.' + new URL(r.url).pathname)) }); console.log(s.port)`;
  const server = spawn(process.execPath, ['-e', serve], { cwd: files, stdio: ['ignore', 'pipe', 'ignore'] });
  const port = await new Promise<number>((resolve, reject) => {
    server.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
    server.once('exit', () => reject(new Error('the file server exited before it listened')));
  });
  const registry = await startRegistry();
  try {
    const ref = `${registry.host}/base:1`;
    expect(rocker(['tag', 'busybox', ref], env).code).toBe(0);
    expect(rocker(['push', '-q', ref], env).code).toBe(0);
    expect(rocker(['tag', 'busybox', `${registry.host}/other:2`], env).code).toBe(0);
    expect(rocker(['push', '-q', `${registry.host}/other:2`], env).code).toBe(0);
    expect(rocker(['rmi', ref, `${registry.host}/other:2`], env).code).toBe(0);
    const onbuild = build(['-q', '-t', 'trigger:1', '-'], { input: `FROM ${ref}\nONBUILD RUN echo triggered > /triggered\n` });
    expect(onbuild.stderr).toBe('');
    expect(inspect('trigger:1').config.OnBuild).toEqual(['RUN echo triggered > /triggered']);
    const text = [
      '# escape=`',
      'FROM trigger:1',
      'RUN <<EOF',
      'echo one > /one',
      'echo two >> /one',
      'EOF',
      'RUN cat <<-EOT > /tabbed',
      '\tindented',
      '\tEOT',
      'COPY <<EOF /etc/motd',
      'hello from a heredoc',
      'EOF',
      `ADD http://127.0.0.1:${port}/served.txt /dl/`,
      `COPY --from=${registry.host}/other:2 /etc/group /pulled-group`,
      'RUN echo a `',
      '    b > /escaped',
      '',
    ].join('\n');
    const r = build(['-t', 'extras:1', '-'], { input: text });
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('# Executing 1 build trigger');
    expect(runOut('extras:1', 'cat /triggered /one /tabbed /etc/motd /dl/served.txt /escaped; stat -c %a /dl/served.txt').stdout).toBe(
      'triggered\none\ntwo\nindented\nhello from a heredoc\ndownloaded\na b\n600\n',
    );
    expect(inspect('extras:1').config.OnBuild).toBeUndefined();
    expect(runOut('extras:1', 'head -1 /pulled-group').stdout).toBe('root:x:0:\n');
  } finally {
    server.kill();
    await registry.stop();
  }
});

test('a killed build leaves nothing once the next build or prune has run', async () => {
  const ctx = context({ Dockerfile: 'FROM busybox\nRUN sleep 120\n' });
  const child = spawn(ROCKER, ['build', ctx], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  await new Promise<void>((resolve) => child.stdout.on('data', (d) => (out += d) && out.includes('Step 2/2') && resolve()));
  for (let i = 0; i < 200 && !rocker(['ps', '-q'], env).stdout; i++) await Bun.sleep(50);
  child.kill('SIGKILL');
  await new Promise((r) => child.on('close', r));
  expect(build(['-q', '-'], { input: 'FROM busybox\nRUN true\n' }).code).toBe(0);
  nothingLeft();
  // Ctrl-C cancels at once, even when the step's PID 1 ignores SIGINT, and leaves nothing.
  const cancelled = spawn(ROCKER, ['build', '--no-cache', ctx], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  cancelled.stderr.on('data', (d) => (err += d));
  for (let i = 0; i < 400 && !rocker(['ps', '-q'], env).stdout; i++) await Bun.sleep(50);
  cancelled.kill('SIGINT');
  expect(await new Promise((r) => cancelled.on('close', r))).toBe(130);
  expect(err).toBe('rocker: build cancelled (SIGINT)\n');
  nothingLeft();
  // image prune cleans up after a killed build too.
  const again = spawn(ROCKER, ['build', '--no-cache', ctx], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  for (let i = 0; i < 400 && !rocker(['ps', '-q'], env).stdout; i++) await Bun.sleep(50);
  again.kill('SIGKILL');
  await new Promise((r) => again.on('close', r));
  expect(rocker(['image', 'prune'], env).code).toBe(0);
  expect(rocker(['ps', '-aq'], env).stdout).toBe('');
});

test("ocx's final-image Dockerfile builds on Debian: ARGs, useradd, chown, USER by name", () => {
  const tar = join(TEST_CACHE, 'debian-bookworm-minbase.tar');
  if (!existsSync(tar)) expect(spawnSync(join(REPO, 'scripts', 'fixtures', 'debian-bookworm-tar.sh'), [tar], { stdio: 'inherit' }).status).toBe(0);
  expect(rocker(['import', tar, 'debian:bookworm-slim'], env).code).toBe(0);
  const ctx = context({ opencode: '#!/bin/sh\necho fake opencode "$@"\n', Dockerfile: FINAL_DOCKERFILE });
  const args = ['BASE_IMAGE=debian:bookworm-slim', 'USERNAME=alice', 'UID=1234', 'GID=1234', 'OPENCODE_VERSION=1'].flatMap((a) => ['--build-arg', a]);
  const r = build(['-q', '-t', 'ocx-final:1', ...args, ctx]);
  expect(r.stderr).toBe('');
  expect(rocker(['run', '--rm', 'ocx-final:1', 'opencode', '--version'], env).stdout).toBe('fake opencode --version\n');
  expect(runOut('ocx-final:1', 'id; pwd; stat -c %U /home/alice /workspace/tmp').stdout).toBe('uid=1234(alice) gid=1234(alice) groups=1234(alice)\n/workspace\nalice\nalice\n');
  expect(rocker(['rmi', 'ocx-final:1', 'debian:bookworm-slim'], env).code).toBe(0);
});

test('round trip with Docker: rocker build, then save/docker load or push/docker pull, runs as docker build of the same Dockerfile does', async () => {
  const d = docker();
  const base = spawnSync('sh', ['-c', `docker rmi -f rocker-build-base >/dev/null 2>&1; rocker_tar=$(ls /var/tmp/rocker-fixtures/busybox-*.tar | head -1); docker import "$rocker_tar" rocker-build-base`], { env: d.env, encoding: 'utf8' });
  expect(base.status).toBe(0);
  expect(rocker(['tag', 'busybox', 'rocker-build-base'], env).code).toBe(0);
  const ctx = context({
    'a.txt': 'file a\n',
    'dir/b.txt': 'file b\n',
    Dockerfile: [
      'FROM rocker-build-base',
      'ARG V=1',
      'ENV E="e v" PATH=/usr/local/bin:/bin',
      'WORKDIR /w',
      'COPY a.txt dir ./',
      'RUN echo "run $V $E" > run.txt && rm -f /bin/vi',
      'USER 65534',
      'EXPOSE 8080 53/udp',
      'LABEL org.test="a b" other=x',
      'STOPSIGNAL SIGQUIT',
      'HEALTHCHECK --interval=30s --timeout=5s --retries=2 CMD ["true"]',
      'ONBUILD RUN echo later',
      'VOLUME ["/data"]',
      'CMD ["sh", "-c", "cat /w/*.txt; id -u; pwd; echo $E; test -e /bin/vi || echo no-vi"]',
      '',
    ].join('\n'),
  });
  chmodSync(join(ctx, 'a.txt'), 0o644);
  expect(build(['-q', '-t', 'roundtrip:1', ctx]).code).toBe(0);
  const saved = join(dir, 'roundtrip.tar');
  expect(rocker(['save', '-o', saved, 'roundtrip:1'], env).code).toBe(0);
  const dockerRun = (image: string) => spawnSync('docker', ['run', '--rm', '--network', 'none', image], { env: d.env, encoding: 'utf8' });
  expect(spawnSync('docker', ['load', '-i', saved], { env: d.env, encoding: 'utf8' }).status).toBe(0);
  const ours = dockerRun('roundtrip:1');
  const built = spawnSync('docker', ['build', '-q', '-t', 'roundtrip-docker:1', ctx], { env: { ...d.env, DOCKER_BUILDKIT: '0' }, encoding: 'utf8' });
  expect(built.status).toBe(0);
  const theirs = dockerRun('roundtrip-docker:1');
  expect(ours.stdout).toBe('file a\nfile b\nrun 1 e v\n65534\n/w\ne v\nno-vi\n');
  expect(ours.stdout).toBe(theirs.stdout);
  // The image configuration Docker sees is the one its own builder makes.
  const fields = ['Env', 'Cmd', 'Entrypoint', 'WorkingDir', 'User', 'ExposedPorts', 'Labels', 'Volumes', 'StopSignal', 'Healthcheck', 'OnBuild'];
  const config = (image: string) => {
    const c = JSON.parse(spawnSync('docker', ['image', 'inspect', '-f', '{{json .Config}}', image], { env: d.env, encoding: 'utf8' }).stdout);
    // Docker writes null or an empty list for what is unset; rocker leaves it out.
    return Object.fromEntries(fields.map((f) => [f, c[f] === null || (Array.isArray(c[f]) && c[f].length === 0) || c[f] === '' ? undefined : c[f]]));
  };
  expect(config('roundtrip:1')).toEqual(config('roundtrip-docker:1'));
  // And through a registry: rocker push, docker pull, docker run.
  const registry = await startRegistry();
  try {
    const ref = `${registry.host}/roundtrip:1`;
    expect(rocker(['tag', 'roundtrip:1', ref], env).code).toBe(0);
    expect(rocker(['push', '-q', ref], env).code).toBe(0);
    expect(spawnSync('docker', ['pull', '-q', ref], { env: d.env, encoding: 'utf8' }).status).toBe(0);
    expect(dockerRun(ref).stdout).toBe(theirs.stdout);
    spawnSync('docker', ['rmi', '-f', ref], { env: d.env });
  } finally {
    await registry.stop();
  }
  spawnSync('docker', ['rmi', '-f', 'roundtrip:1', 'roundtrip-docker:1', 'rocker-build-base'], { env: d.env });
});
