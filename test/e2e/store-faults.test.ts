// Faults in the store itself: unreadable files, damaged records, and runs
// racing removals. Each gives one line naming the thing and the cause (never
// a stack trace), and leaves a store that `rocker system check` passes.
import { expect, test } from 'bun:test';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { containerSuite } from '../helpers/container-suite.ts';
import { testUnless } from '../helpers/require.ts';
import { busyboxTar, ROCKER, rocker, type Result } from '../helpers/rocker.ts';

const { env, root, dir } = containerSuite();

const hasCapsh = spawnSync('sh', ['-c', 'command -v capsh'], { stdio: 'ignore' }).status === 0;
/** rocker as root without the capabilities that let root read any file: mode 000 then means what it says. */
function withoutDacOverride(args: string[]): Result {
  const quoted = [ROCKER, ...args].map((a) => `'${a}'`).join(' ');
  const r = spawnSync('capsh', ['--drop=cap_dac_override,cap_dac_read_search', '--', '-c', quoted], { env, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status ?? 137, stdout: r.stdout, stderr: r.stderr };
}

testUnless(hasCapsh ? undefined : 'capsh is not installed (apt-get install libcap2-bin)')('unreadable store files and directories (mode 000): one line naming the path and the cause', () => {
  const record = join(root, 'images', 'busybox', 'latest', 'image.json');
  const cases: Array<[string, string[], RegExp]> = [
    [record, ['run', '--rm', 'busybox', 'true'], new RegExp(`^rocker: image busybox:latest is damaged: ${record}: cannot read \\(EACCES\\)\\n$`)],
    [join(root, 'containers'), ['ps', '-a'], new RegExp(`^rocker: .*permission denied.*'${join(root, 'containers')}'\\n$`)],
    [join(root, 'images'), ['import', busyboxTar(), 'other'], new RegExp(`^rocker: .*permission denied.*'${join(root, 'images')}/other/latest'\\n$`)],
    [join(root, 'tmp'), ['import', busyboxTar(), 'other'], new RegExp(`^rocker: .*permission denied.*'${join(root, 'tmp')}/layer-\\d+-[0-9a-f]+/diff'\\n$`)],
  ];
  for (const [path, args, message] of cases) {
    chmodSync(path, 0);
    try {
      const r = withoutDacOverride(args);
      expect(r.stderr).toMatch(message);
      expect(r.code).not.toBe(0);
    } finally {
      chmodSync(path, path === record ? 0o644 : 0o755);
    }
  }
  expect(rocker(['run', '--rm', 'busybox', 'echo', 'readable again'], env)).toEqual({ code: 0, stdout: 'readable again\n', stderr: '' });
});

test('a damaged container record shows as damaged in ps -a, with its name; rm -f by id or name removes it, name and all', () => {
  for (const [name, by] of [['soon-damaged', 'id'], ['damaged-by-name', 'name']] as const) {
    expect(rocker(['run', '--name', name, 'busybox', 'true'], env).code).toBe(0);
    const id = rocker(['ps', '-aq', '--no-trunc'], env).stdout.trim();
    // Damaged as an editor or a copy replaces a file (a new file renamed over it): a change of the
    // directory, which the listing's cache is keyed on. An edit in place is for `system check` (system-check.test.ts).
    writeFileSync(join(root, 'containers', id, 'damage'), '{');
    renameSync(join(root, 'containers', id, 'damage'), join(root, 'containers', id, 'container.json'));
    const ps = rocker(['ps', '-a'], env);
    expect(ps.code).toBe(0);
    expect(ps.stdout.split('\n')[1]).toMatch(new RegExp(`^${id.slice(0, 12)}  ${name}  +-  +-  +damaged \\(rm -f to remove\\) +-  +-$`));
    expect(JSON.parse(rocker(['ps', '-a', '--format', 'json'], env).stdout)).toMatchObject([{ id, name, status: 'damaged' }]);
    const text = by === 'id' ? id.slice(0, 12) : name;
    expect(rocker(['rm', text], env)).toEqual({ code: 1, stdout: '', stderr: `rocker: container ${text} has a damaged record (invalid container.json): remove it with 'rocker rm -f ${text}'\n` });
    expect(rocker(['rm', '-f', text], env)).toEqual({ code: 0, stdout: `${text}\n`, stderr: '' });
    expect(rocker(['ps', '-aq'], env).stdout).toBe('');
    // Its name went with it.
    expect(existsSync(join(root, 'containers', '.names', name))).toBe(false);
  }
  // A directory that never got its record (rocker killed mid-create) is still incomplete, not damaged.
  const bare = 'c'.repeat(64);
  mkdirSync(join(root, 'containers', bare));
  expect(rocker(['ps', '-a'], env).stdout.split('\n')[1]).toMatch(/^cccccccccccc  -  +-  +-  +incomplete \(rm -f to remove\) +-  +-$/);
  expect(rocker(['rm', '-f', bare.slice(0, 12)], env).code).toBe(0);
});

test('a layer gone from under an image: run names the damage in one line', () => {
  expect(rocker(['import', busyboxTar(), 'layerless'], env).code).toBe(0);
  const layer = JSON.parse(rocker(['inspect', 'layerless'], env).stdout)[0].layers[0] as string;
  const dir = join(root, 'layers', 'sha256', layer.slice(7));
  // The whole directory, as a layer goes: `images` reads the layers' directory once, not each layer.json.
  renameSync(dir, `${dir}.away`);
  try {
    // images still lists it (so that rmi can name it) and says on stderr what is wrong.
    const listed = rocker(['images'], env);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^layerless +latest /m);
    // busybox, from the same tarball, shares the layer: both are named, newest first.
    expect(listed.stderr).toBe(['layerless', 'busybox'].map((n) => `rocker: image ${n}:latest is damaged: layer ${layer} is missing or unreadable (see 'rocker system check')\n`).join(''));
    expect(rocker(['run', '--rm', 'layerless', 'true'], env)).toEqual({
      code: 125, stdout: '', stderr: `rocker: image layerless is damaged: layer ${layer} is missing or unreadable in ${dir} (see 'rocker system check')\n`,
    });
  } finally {
    renameSync(`${dir}.away`, dir);
  }
  expect(rocker(['rmi', 'layerless'], env).code).toBe(0);
});

test('run racing rmi -f and image prune, 50 rounds: a container that starts never loses its layers', async () => {
  const bg = (args: string[]) => new Promise<Result>((resolve) => {
    const c = spawn(ROCKER, args, { env });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (d) => (stdout += d));
    c.stderr.on('data', (d) => (stderr += d));
    c.on('close', (code) => resolve({ code: code ?? 137, stdout, stderr }));
  });
  for (let round = 0; round < 50; round++) {
    expect(rocker(['import', busyboxTar(), 'racy'], env).code).toBe(0);
    const [run, rmi, prune] = await Promise.all([
      bg(['run', '--rm', 'racy', 'cat', '/bin/busybox']).then((r) => ({ ...r, stdout: String(r.stdout.length > 0) })),
      bg(['rmi', '-f', 'racy']),
      bg(['image', 'prune', '-a']),
    ]);
    // prune -a may take the image first: then rmi has nothing left to remove.
    if (rmi.code !== 0) expect(rmi).toEqual({ code: 1, stdout: '', stderr: 'rocker: no such image: racy\n' });
    expect(prune).toMatchObject({ code: 0, stderr: '' });
    // Either the run won the image (and read all of it) or it found none: never half an image.
    if (run.code === 0) expect(run).toEqual({ code: 0, stdout: 'true', stderr: '' });
    else expect(run).toEqual({ code: 125, stdout: 'false', stderr: 'rocker: no such image: racy\n' });
  }
});

test('names that climb out of the store, in tag targets and inside load archives, are refused in one line', () => {
  // An image of its own: the race above prunes every image no container uses.
  expect(rocker(['import', busyboxTar(), 'named'], env).code).toBe(0);
  const before = readdirSync(join(root, 'images')).sort();
  for (const target of ['../../evil', 'ok/../../x:1', 'evil:../../y', '/abs/x']) {
    const r = rocker(['tag', 'named', target], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toStartWith(`rocker: invalid target image name "${target}": `);
    expect(r.stderr.trimEnd().split('\n').length).toBe(1);
  }
  // A real archive, its names rewritten: Docker's RepoTags and the OCI index's ref.name annotation.
  const work = join(dir, 'hostile-load');
  mkdirSync(work, { recursive: true });
  expect(rocker(['save', '-o', join(work, 'bb.tar'), 'named'], env).code).toBe(0);
  const unpacked = join(work, 'x');
  mkdirSync(unpacked);
  expect(spawnSync('tar', ['-xf', join(work, 'bb.tar'), '-C', unpacked]).status).toBe(0);
  const manifest = JSON.parse(readFileSync(join(unpacked, 'manifest.json'), 'utf8'));
  const index = JSON.parse(readFileSync(join(unpacked, 'index.json'), 'utf8'));
  for (const name of ['../../../../tmp/evil:latest', 'ok/../../x:1']) {
    manifest[0].RepoTags = [name];
    writeFileSync(join(unpacked, 'manifest.json'), JSON.stringify(manifest));
    for (const m of index.manifests) m.annotations = { ...m.annotations, 'io.containerd.image.name': name, 'org.opencontainers.image.ref.name': name.split(':')[1] };
    writeFileSync(join(unpacked, 'index.json'), JSON.stringify(index));
    const archive = join(work, 'hostile.tar');
    expect(spawnSync('tar', ['-cf', archive, '-C', unpacked, '.']).status).toBe(0);
    expect(rocker(['load', '-i', archive], env)).toEqual({ code: 1, stdout: '', stderr: expect.stringMatching(new RegExp(`^rocker: invalid image name "${name.replaceAll('.', '\\.')}": it has a "\\." or "\\.\\." component\n$`)) });
  }
  expect(readdirSync(join(root, 'images')).sort()).toEqual(before);
  expect(existsSync('/tmp/evil')).toBe(false);
});
