import { UserError } from '../../common/errors.ts';
import type { ContainerRecord, ContainerSummary } from '../container-store/record.ts';
import { containerStatus } from '../container-store/status.ts';
import { readRecord } from '../container-store/store.ts';
import type { StorePaths } from '../paths.ts';
import { findRuntime, runtimeCommand } from './oci-runtime.ts';

/**
 * `pause` / `unpause`: the runtime's freezer (cgroup v1 freezer, v2
 * cgroup.freeze). The processes keep their state; nothing runs until thawed.
 */
export function setPaused(paths: StorePaths, rec: ContainerRecord, paused: boolean): void {
  const s = containerStatus(paths, rec);
  if (s.state !== 'running') throw new UserError(`container ${rec.name} is not running`);
  if (!!s.paused === paused) throw new UserError(`container ${rec.name} is ${paused ? 'already paused' : 'not paused'}`);
  const r = runtimeCommand(findRuntime(rec.runtime), paths, [paused ? 'pause' : 'resume', rec.id]);
  if (!r.ok) throw new UserError(`cannot ${paused ? 'pause' : 'unpause'} container ${rec.name}: ${r.stderr.split('\n').pop() || 'the runtime failed'}`);
}

/**
 * Thaws a paused container, so that a stop or kill reaches its processes (a
 * frozen task holds its signals). Its runtime is read from the whole record
 * only then: stop and rm read just the summary.
 */
export function thawIfPaused(paths: StorePaths, rec: ContainerSummary): void {
  if (containerStatus(paths, rec).paused) runtimeCommand(findRuntime(readRecord(paths, rec.id).runtime), paths, ['resume', rec.id]);
}
