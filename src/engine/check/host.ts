// Containers and what they may leave on the host: records, mounts, cgroups,
// runtime state, and staging of processes that died mid-way.
import { existsSync, readFileSync, rmdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pidAlive } from '../../common/process.ts';
import { cgroupLeaf, containerStatus } from '../container-store/status.ts';
import { containerFiles, scanContainers } from '../container-store/store.ts';
import type { StorePaths } from '../paths.ts';
import { findRuntime, runtimeCommand, runtimeStateDir } from '../runtime/oci-runtime.ts';
import { dirEntries } from '../../common/dir.ts';
import { problem, type Problem } from './problems.ts';

const short = (id: string) => id.slice(0, 12);

/** The container's cgroup directories, in every hierarchy (v2, or each v1 controller). */
function cgroupDirs(id: string): string[] {
  const base = '/sys/fs/cgroup';
  const leaf = cgroupLeaf(id);
  return [base, ...dirEntries(base).map((c) => join(base, c))].map((d) => join(d, leaf)).filter((d) => existsSync(d));
}

/**
 * Container records and their layers; for containers that are not running,
 * leftovers: cgroups, runtime state, mounts under the store. `runtimeName`:
 * the OCI runtime, which removes its own state. Only this store's containers
 * are looked at: other stores on the machine have containers of their own.
 */
export function checkContainers(paths: StorePaths, layers: Set<string>, runtimeName: string, problems: Problem[]): void {
  const scan = scanContainers(paths, { fresh: true }); // every record read again, as for images
  const { containers } = scan;
  const incomplete = [...scan.incomplete, ...scan.damaged];
  for (const id of incomplete) problems.push(problem(`container ${short(id)}`, `damaged record (${containerFiles(paths, id).record}): remove it with 'rocker rm -f ${short(id)}'`));
  for (const c of containers) {
    const lost = c.layers.filter((l) => !layers.has(l));
    if (lost.length > 0) problems.push(problem(`container ${c.name} (${short(c.id)})`, `layer ${lost.map((l) => l.slice(0, 19)).join(', ')} is missing or damaged: remove it with 'rocker rm -f ${c.name}'`));
  }
  const ids = [...containers.map((c) => c.id), ...incomplete];
  const status = new Map(ids.map((id) => [id, containerStatus(paths, { id })]));
  // A monitor still alive is about to clean up after its container: nothing is left yet.
  const active = (id: string) => status.get(id)!.state === 'running' || status.get(id)!.monitorAlive;
  for (const id of ids) {
    if (active(id)) continue;
    for (const dir of cgroupDirs(id)) {
      problems.push(problem(`container ${short(id)}`, `cgroup ${dir} is left after the container ended`, { action: 'removed it', apply: () => rmdirSync(dir) }));
    }
  }
  const known = new Set(ids);
  for (const cid of dirEntries(runtimeStateDir(paths))) {
    if (known.has(cid)) continue;
    const apply = () => {
      const r = runtimeCommand(findRuntime(runtimeName), paths, ['delete', '--force', cid]);
      if (!r.ok) throw new Error(r.stderr || 'the runtime refused to delete it');
    };
    problems.push(problem(`runtime state ${short(cid)}`, 'belongs to no container in the store', { action: 'deleted it with the runtime', apply }));
  }
  for (const target of mountsUnder(paths.root)) {
    const id = /\/containers\/([0-9a-f]{64})\//.exec(`${target}/`)?.[1];
    if (id && status.has(id) && active(id)) continue;
    const apply = () => {
      const r = Bun.spawnSync(['umount', target], { stdout: 'ignore', stderr: 'pipe' });
      if (r.exitCode !== 0) throw new Error(r.stderr.toString().trim());
    };
    problems.push(problem(`mount ${target}`, 'left mounted with no running container', { action: 'unmounted it', apply }));
  }
}

/** Mount points inside the store (octal escapes in /proc/mounts decoded). */
function mountsUnder(root: string): string[] {
  return readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .map((l) => (l.split(' ')[1] ?? '').replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))))
    .filter((m) => m.startsWith(`${root}/`))
    .reverse();
}

/**
 * Staging in tmp/ of processes that have died (the next import would clear
 * it too). Pins are not counted: empty markers that protect nothing once
 * their process is gone, as any rocker killed mid-start leaves them.
 */
export function checkStaging(paths: StorePaths, problems: Problem[]): void {
  for (const name of dirEntries(paths.tmp)) {
    if (name.startsWith('pin-')) continue;
    const pid = Number(/^[a-z]+-(\d+)-/.exec(name)?.[1]);
    if (!pid || pidAlive(pid)) continue;
    const path = join(paths.tmp, name);
    problems.push(problem(`staging ${path}`, `left by process ${pid}, which has ended`, { action: 'removed it', apply: () => rmSync(path, { recursive: true, force: true }) }));
  }
}
