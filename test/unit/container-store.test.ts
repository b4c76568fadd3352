import { afterAll, expect, test } from 'bun:test';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateId } from '../../src/engine/container-store/names.ts';
import type { ContainerRecord } from '../../src/engine/container-store/record.ts';
import { describeStatus } from '../../src/cli/rocker/commands/ps.ts';
import { containerStatus } from '../../src/engine/container-store/status.ts';
import { containerFiles, findContainer, listContainers, releaseName, reserveName, scanContainers, writeRecord } from '../../src/engine/container-store/store.ts';
import { storePaths } from '../../src/engine/paths.ts';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function store() {
  const d = mkdtempSync(join(tmpdir(), 'rocker-cstore-'));
  dirs.push(d);
  return storePaths(join(d, 'root'), join(d, 'run'));
}

function record(paths: ReturnType<typeof store>, name: string, id = generateId(), created = new Date().toISOString()): ContainerRecord {
  const rec: ContainerRecord = {
    id, name, created, image: { name: 'busybox', tag: 'latest', digest: `sha256:${'b'.repeat(64)}`, id: 'b'.repeat(12) },
    layers: [`sha256:${'c'.repeat(64)}`], command: ['true'], process: { env: [], cwd: '/', uid: 0, gid: 0, additionalGids: [] }, hostname: 'h', runtime: 'runc',
    options: { tty: false, interactive: false, detach: false, autoRemove: false, readOnly: false, env: [], volumes: [], tmpfs: [], capAdd: [], capDrop: [], noNewPrivileges: false, network: 'none', resources: {} },
  };
  mkdirSync(containerFiles(paths, id).dir, { recursive: true });
  reserveName(paths, name, id);
  writeRecord(paths, rec);
  return rec;
}

test('names: one owner each, invalid names refused, released names reusable, stale claims taken over', () => {
  const paths = store();
  const a = record(paths, 'web');
  expect(() => reserveName(paths, 'web', generateId())).toThrow(`container name "web" is already in use by container ${a.id.slice(0, 12)}`);
  expect(() => reserveName(paths, '../etc', generateId())).toThrow(/invalid container name/);
  expect(() => reserveName(paths, '-x', generateId())).toThrow(/invalid container name/);
  releaseName(paths, 'web', 'not-the-owner');
  expect(() => reserveName(paths, 'web', generateId())).toThrow(/already in use/);
  // A claim whose container directory never got made (rocker killed in between) is stale.
  reserveName(paths, 'ghost', generateId());
  expect(() => reserveName(paths, 'ghost', generateId())).not.toThrow();
});

test('find by name, full id, unique prefix; ambiguous prefixes are an error', () => {
  const paths = store();
  const a = record(paths, 'alpha', `ab${'1'.repeat(62)}`);
  const b = record(paths, 'beta', `ab${'2'.repeat(62)}`);
  expect(findContainer(paths, 'alpha')?.id).toBe(a.id);
  expect(findContainer(paths, b.id)?.name).toBe('beta');
  expect(findContainer(paths, 'ab1')?.name).toBe('alpha');
  expect(() => findContainer(paths, 'ab')).toThrow(/ambiguous/);
  expect(findContainer(paths, 'gamma')).toBeUndefined();
  expect(findContainer(paths, 'ffff')).toBeUndefined();
  expect(findContainer(paths, '')).toBeUndefined();
});

test('a damaged record is skipped by listings and reported as damaged (a missing one as incomplete), never fatal', () => {
  const paths = store();
  const good = record(paths, 'good', generateId(), '2026-01-01T00:00:00.000Z');
  const older = record(paths, 'older', generateId(), '2025-01-01T00:00:00.000Z');
  const broken = generateId();
  mkdirSync(containerFiles(paths, broken).dir, { recursive: true });
  writeFileSync(containerFiles(paths, broken).record, '{"id": "truncated');
  const empty = generateId();
  mkdirSync(containerFiles(paths, empty).dir, { recursive: true });
  expect(listContainers(paths).map((c) => c.name)).toEqual(['older', 'good']);
  expect(scanContainers(paths)).toMatchObject({ incomplete: [empty], damaged: [broken] });
  expect(listContainers(paths)[1]).toMatchObject({ id: good.id, image: { digest: good.image.digest }, layers: good.layers });
  expect(() => findContainer(paths, broken.slice(0, 10))).toThrow(/damaged record/);
  expect(older.id).toHaveLength(64);
});

test('listings keep the ids oldest first while the store directory is unchanged; a new or removed container is seen', () => {
  const paths = store();
  const ids = ['2026-03-01', '2026-01-01', '2026-02-01'].map((day, i) => record(paths, `c${i}`, generateId(), `${day}T00:00:00.000Z`).id);
  const cached = () => JSON.parse(readFileSync(join(paths.cache, 'containers.json'), 'utf8')).dirs[''];
  const names = () => listContainers(paths).map((c) => c.name);
  // Past the cache's 100 ms window: the first listing keeps the directory's ids, sorted.
  Bun.sleepSync(150);
  expect(names()).toEqual(['c1', 'c2', 'c0']);
  expect(cached()[1]).toEqual([ids[1], ids[2], ids[0]]);
  expect(names()).toEqual(['c1', 'c2', 'c0']);
  // A container made since changes the store's directory: the ids are read again.
  const newest = record(paths, 'c3', generateId(), '2026-04-01T00:00:00.000Z');
  expect(names()).toEqual(['c1', 'c2', 'c0', 'c3']);
  rmSync(containerFiles(paths, ids[1]!).dir, { recursive: true });
  expect(names()).toEqual(['c2', 'c0', 'c3']);
  Bun.sleepSync(150);
  expect(names()).toEqual(['c2', 'c0', 'c3']);
  expect(cached()[1]).toEqual([ids[2], ids[0], newest.id]);
  // A kept id whose directory gained its record since (a container being made) is placed by its time.
  const late = generateId();
  mkdirSync(containerFiles(paths, late).dir);
  Bun.sleepSync(150);
  expect(scanContainers(paths).incomplete).toEqual([late]);
  writeRecord(paths, { ...newest, id: late, name: 'late', created: '2025-06-01T00:00:00.000Z' });
  expect(names()).toEqual(['late', 'c2', 'c0', 'c3']);
  expect(cached()[1]).toEqual([late, ids[2], ids[0], newest.id]);
});

test('status comes from the files and the kernel: exit file, pid in the container cgroup', () => {
  const paths = store();
  const rec = record(paths, 's');
  const f = containerFiles(paths, rec.id);
  expect(containerStatus(paths, rec)).toMatchObject({ state: 'created', monitorAlive: false });
  // A pid that is alive but not in this container's cgroup (pid reuse, reboot) is not "running".
  writeFileSync(f.pid, String(process.pid));
  expect(containerStatus(paths, rec).state).toBe('exited');
  expect(containerStatus(paths, rec).exitCode).toBeUndefined();
  expect(describeStatus(containerStatus(paths, rec))).toBe('exited (unknown)');
  writeFileSync(f.exit, '137\n');
  expect(containerStatus(paths, rec, { finishedAt: true })).toMatchObject({ state: 'exited', exitCode: 137, finishedAt: expect.any(Date) });
  expect(describeStatus(containerStatus(paths, rec))).toBe('exited (137)');
  writeFileSync(f.exit, 'garbage');
  expect(containerStatus(paths, rec).exitCode).toBeUndefined();
});
