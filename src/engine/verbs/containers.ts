import { describeFsError, errnoCode, UserError } from '../../common/errors.ts';
import type { ImageRecord } from '../image-store/record.ts';
import { rootlessUid, type StorePaths } from '../paths.ts';
import type { ContainerRecord, ContainerSummary } from '../container-store/record.ts';
import { containerStatus, type ContainerStatus, type StatusOptions } from '../container-store/status.ts';
import { containerFiles, findContainer, namesOf, readRecord, renameContainer, resolveContainer, resolveSummary, scanContainers } from '../container-store/store.ts';
import type { Created } from '../runtime/create.ts';
import type { ExecRequest } from '../runtime/exec.ts';
import type { RunFlags } from '../runtime/run-options.ts';
import type { StartRequest } from '../runtime/start-again.ts';
import type { StatsRow } from '../runtime/inspect-live.ts';
import type { LogQuery, LogWrite } from '../container-store/logs.ts';
import type { Stores } from '../stores.ts';
import type { Readable, Writable } from 'node:stream';

export interface RunRequest {
  image: string;
  command: string[];
  name?: string;
  /** The run flags as given; checked here (sizes, capabilities, mounts). */
  flags: RunFlags;
  /** The terminal's size, for a container given a pseudo-terminal. */
  consoleSize?: { height: number; width: number };
  /** Told what is asked for but will not be done (rootless limits), before the container starts. */
  onWarning?: (message: string) => void;
}

/** What `run` did: a detached container's id, or the exit code of one run in the foreground. */
export type RunReport = { detached: true; id: string } | { detached: false; exitCode: number };

/** A container directory without a readable record: none written yet, or one that does not read. */
export interface BrokenContainer {
  id: string;
  state: 'incomplete' | 'damaged';
  /** The name still claimed for it, if any. */
  name?: string;
}

export interface ContainerRow {
  rec: ContainerSummary;
  status: ContainerStatus;
  /** Published ports of a running container ("0.0.0.0:8080->80/tcp"). */
  ports: string[];
  /** The whole record, when the listing was asked for it (`full`, or filters that need it). */
  record?: ContainerRecord;
  /** Bytes the container has written (its upper directory), with `size`. */
  size?: number;
}

export interface ListOptions extends StatusOptions {
  /** Read each whole record (labels, mounts), not only the summary. */
  full?: boolean;
  /** `--filter KEY=VALUE`, Docker's keys (see container-filters.ts). */
  filters?: string[];
  size?: boolean;
}


/**
 * Container verbs. Each loads its implementation on first use: `run` and
 * `ps` are what every user pays for, and they must not load the code of
 * commit, logs or exec.
 */
export class ContainerVerbs {
  constructor(
    private readonly paths: StorePaths,
    private readonly runtime: string,
    private readonly stores: () => Promise<Stores>,
  ) {}

  async run(req: RunRequest): Promise<RunReport> {
    const [created, { runDetached, runForeground }] = await Promise.all([this.createFrom(req), import('../runtime/start.ts')]);
    if (created.rec.options.detach) {
      await runDetached(this.paths, created);
      return { detached: true, id: created.rec.id };
    }
    return { detached: false, exitCode: await runForeground(this.paths, created) };
  }

  /** `create`: the container's record and bundle, not started; its id. */
  async create(req: RunRequest): Promise<string> {
    const created = await this.createFrom(req);
    (await import('../runtime/create.ts')).flushRecord(created);
    return created.rec.id;
  }

  private async createFrom(req: RunRequest): Promise<Created> {
    const [{ createContainer }, { runOptionsFromFlags }, { images }] = await Promise.all([
      import('../runtime/create.ts'), import('../runtime/run-options.ts'), this.stores(),
    ]);
    let options = runOptionsFromFlags(req.flags);
    if (rootlessUid() !== undefined) {
      const rootless = await import('../rootless/run-options.ts');
      options = await rootless.rootlessNetwork(options, req.flags.network);
      const warning = rootless.unenforcedLimits(options);
      if (warning) req.onWarning?.(warning);
    }
    const consoleSize = options.tty ? req.consoleSize : undefined;
    return createContainer(images, { image: req.image, command: req.command, name: req.name, options, runtime: this.runtime, consoleSize });
  }

  /** Starts a created or ended container (again, on its own upper directory); attached, its exit code. */
  async start(text: string, req: StartRequest): Promise<number | undefined> {
    const { startContainer } = await import('../runtime/start-again.ts');
    return startContainer(this.paths, resolveContainer(this.paths, text).id, req);
  }

  /**
   * `start --all [--filter ...]`: starts, in the background, every container
   * the filters select that is not running; the boot story of restart
   * policies (docs/containers.md). As Docker's daemon does at boot, an
   * `unless-stopped` container that was stopped by hand stays stopped.
   * Reports each container's name and, if it failed, why.
   */
  async startAll(filters: string[]): Promise<Array<{ name: string; error?: string }>> {
    const [{ startEach }, { existsSync }] = await Promise.all([import('../runtime/start-again.ts'), import('node:fs')]);
    const { containers } = await this.list({ filters, full: true });
    const wanted = containers.filter(({ rec, record, status }) =>
      !(status.state === 'running' || status.state === 'restarting' || status.monitorAlive)
      && !(record?.options.restart?.policy === 'unless-stopped' && existsSync(containerFiles(this.paths, rec.id).stopped)));
    return startEach(this.paths, wanted.map(({ rec }) => rec));
  }

  async restart(text: string, timeoutSec: number): Promise<void> {
    const { restartContainer } = await import('../runtime/start-again.ts');
    await restartContainer(this.paths, resolveContainer(this.paths, text), timeoutSec);
  }

  async rename(text: string, newName: string): Promise<void> {
    await renameContainer(this.paths, resolveContainer(this.paths, text).id, newName);
  }

  /** Removes every container that is not running; their ids and the bytes freed. */
  async prune(): Promise<{ ids: string[]; reclaimed: number }> {
    const { pruneContainers } = await import('../runtime/lifecycle.ts');
    return pruneContainers(this.paths, this.runtime);
  }

  /**
   * Containers, oldest first, with their state; `broken` lists directories
   * without a readable record: `incomplete` (none written yet) or `damaged`
   * (one that does not read), with the name still claimed for it.
   */
  async list(opts: ListOptions = {}): Promise<{ containers: ContainerRow[]; broken: BrokenContainer[] }> {
    const scan = scanContainers(this.paths);
    const { containers, exits } = scan;
    const named = (id: string, state: BrokenContainer['state']): BrokenContainer => ({ id, state, name: namesOf(this.paths, id)[0] });
    const incomplete = [...scan.incomplete.map((id) => named(id, 'incomplete')), ...scan.damaged.map((id) => named(id, 'damaged'))];
    let rows: ContainerRow[] = containers.map((rec) => ({ rec, status: containerStatus(this.paths, rec, opts, exits.get(rec.id)), ports: [] }));
    const running = rows.filter((r) => r.status.state === 'running');
    if (running.length) {
      const { publishedPorts } = await import('../network/attachment.ts');
      for (const r of running) r.ports = publishedPorts(this.paths, r.rec.id);
    }
    if (!opts.full && !opts.filters?.length && !opts.size) return { containers: rows, broken: incomplete };
    const { treeSize } = await import('../image-store/disk-usage.ts');
    rows = rows.flatMap((row) => {
      try {
        return [{ ...row, record: readRecord(this.paths, row.rec.id), size: opts.size ? treeSize(containerFiles(this.paths, row.rec.id).upper) : undefined }];
      } catch {
        return []; // removed since the scan
      }
    });
    if (opts.filters?.length) {
      const { containerFilter } = await import('./container-filters.ts');
      const full = rows.map((r) => ({ rec: r.record!, status: r.status }));
      const keep = containerFilter(opts.filters, full);
      rows = rows.filter((_, i) => keep(full[i]!));
    }
    return { containers: rows, broken: opts.filters?.length ? [] : incomplete };
  }

  /** A container in Docker's `inspect` shape, or undefined. */
  async inspect(text: string): Promise<Record<string, unknown> | undefined> {
    const rec = findContainer(this.paths, text);
    if (!rec) return undefined;
    const [{ dockerContainer }, { networkSettings }] = await Promise.all([import('../container-store/inspect.ts'), import('../network/attachment.ts')]);
    const net = networkSettings(this.paths, rec.id);
    return { ...dockerContainer(this.paths, rec), ...(net ? { NetworkSettings: net } : {}) };
  }

  /**
   * Writes the container's log, then with `follow` what comes until it
   * ends. `onTerminal` hears first when the container ran with a terminal,
   * whose output went there and is not logged.
   */
  async logs(text: string, opts: LogQuery & { follow?: boolean; onTerminal?: (name: string) => void }, write: LogWrite): Promise<void> {
    const rec = resolveContainer(this.paths, text);
    if (rec.options.tty) opts.onTerminal?.(rec.name);
    const { LogReader } = await import('../container-store/logs.ts');
    const reader = new LogReader(this.paths, rec, opts);
    await reader.read(write);
    if (opts.follow) await reader.follow(write);
  }

  /**
   * `attach`: a running container's output from now until it ends, then its
   * exit code. Output only: a background container's stdin is /dev/null.
   */
  async attach(text: string, write: LogWrite): Promise<number | undefined> {
    const rec = resolveContainer(this.paths, text);
    if (containerStatus(this.paths, rec).state !== 'running') throw new UserError(`container ${rec.name} is not running: attach follows a running container (see rocker logs)`);
    if (rec.options.tty) throw new UserError(`container ${rec.name} has a terminal: its output is not logged and cannot be attached to`);
    const [{ LogReader }, { waitForEnd }] = await Promise.all([import('../container-store/logs.ts'), import('../runtime/lifecycle.ts')]);
    const reader = new LogReader(this.paths, rec, {});
    await reader.skipToEnd();
    await reader.follow(write);
    return (await waitForEnd(this.paths, rec))?.exitCode;
  }

  async stop(text: string, timeoutSec: number): Promise<void> {
    const { stopContainer } = await import('../runtime/lifecycle.ts');
    await stopContainer(this.paths, resolveSummary(this.paths, text), timeoutSec);
  }

  async kill(text: string, signal: NodeJS.Signals | number): Promise<void> {
    const { holdRestarts, signalContainer } = await import('../runtime/lifecycle.ts');
    const rec = resolveSummary(this.paths, text);
    if (containerStatus(this.paths, rec).state !== 'running') throw new UserError(`container ${rec.name} is not running`);
    // Docker's rule: a kill through the engine is a manual stop, which no restart policy undoes (a kill from outside is not).
    holdRestarts(this.paths, rec);
    if (!signalContainer(this.paths, rec, signal)) throw new UserError(`container ${rec.name} is not running`);
  }

  /** Waits for the container to end; its status (undefined when the end was not recorded). */
  async wait(text: string): Promise<ContainerStatus | undefined> {
    const { waitForEnd } = await import('../runtime/lifecycle.ts');
    return waitForEnd(this.paths, resolveSummary(this.paths, text));
  }

  /** Removes the container; with `volumes` (`rm -v`) its anonymous volumes too, as Docker does. */
  async remove(text: string, force: boolean, volumes = false): Promise<void> {
    const { removeNamed } = await import('../runtime/lifecycle.ts');
    const anonymous = volumes ? (findContainer(this.paths, text)?.options.volumes ?? []).filter((v) => v.anonymous && v.volume) : [];
    await removeNamed(this.paths, text, force, this.runtime);
    if (anonymous.length === 0) return;
    const { removeVolume } = await import('../volume-store/store.ts');
    for (const v of anonymous) await removeVolume(this.paths, v.volume!, true);
  }

  /** Runs a command in a running container; returns its exit code. */
  async exec(text: string, req: ExecRequest): Promise<number> {
    const { execInContainer } = await import('../runtime/exec.ts');
    return execInContainer(this.paths, resolveContainer(this.paths, text), this.runtime, req);
  }

  /**
   * `cp`: from a container's `path` to a host path, or (`toContainer`) from
   * a host path into the container, running or not (see runtime/copy.ts).
   */
  async copy(text: string, direction: 'from' | 'to', containerPath: string, hostPath: string): Promise<void> {
    const rec = resolveContainer(this.paths, text);
    const [copy, { layers }] = await Promise.all([import('../runtime/copy.ts'), this.stores()]);
    const fs = await copy.containerFs(this.paths, rec, (l) => layers.diffPath(l));
    try {
      if (direction === 'from') copy.copyFromContainer(fs, rec.name, containerPath, hostPath);
      else copy.copyToContainer(fs, rec.name, hostPath, containerPath);
    } catch (err) {
      if (err instanceof UserError || errnoCode(err) === undefined) throw err;
      const [src, dest] = direction === 'from' ? [`${rec.name}:${containerPath}`, hostPath] : [hostPath, `${rec.name}:${containerPath}`];
      throw new UserError(`cannot copy ${src} to ${dest}: ${describeFsError(err)}${(err as { path?: string }).path ? ` (${(err as { path?: string }).path})` : ''}`);
    }
  }

  /** `cp CONTAINER:PATH -` (a tar of PATH to `out`) and `cp - CONTAINER:DIR` (a tar from `input` extracted into DIR); see runtime/copy-tar.ts. */
  async copyTar(text: string, containerPath: string, stream: { out: Writable } | { input: Readable }): Promise<void> {
    const rec = resolveContainer(this.paths, text);
    const [copy, tar, { layers }] = await Promise.all([import('../runtime/copy.ts'), import('../runtime/copy-tar.ts'), this.stores()]);
    const fs = await copy.containerFs(this.paths, rec, (l) => layers.diffPath(l));
    try {
      const stage = () => layers.staging('cp');
      if ('out' in stream) await tar.tarFromContainer(stage, fs, rec.name, containerPath, stream.out);
      else await tar.tarIntoContainer(stage, fs, rec.name, containerPath, stream.input);
    } catch (err) {
      if (err instanceof UserError || errnoCode(err) === undefined) throw err;
      throw new UserError(`cannot copy ${'out' in stream ? `${rec.name}:${containerPath} to stdout` : `stdin to ${rec.name}:${containerPath}`}: ${describeFsError(err)}`);
    }
  }

  async setPaused(text: string, paused: boolean): Promise<void> {
    needsCgroup(paused ? 'pause' : 'unpause');
    const { setPaused } = await import('../runtime/pause.ts');
    setPaused(this.paths, resolveContainer(this.paths, text), paused);
  }

  /** `top`: the host's ps rows of the container's processes. */
  async top(text: string, psArgs: string[]): Promise<{ header: string; rows: string[] }> {
    needsCgroup('top');
    const { topContainer } = await import('../runtime/inspect-live.ts');
    return topContainer(this.paths, resolveContainer(this.paths, text), psArgs);
  }

  /** `stats --no-stream`: the named containers, or every running one. */
  async stats(texts: string[]): Promise<StatsRow[]> {
    needsCgroup('stats');
    const [{ statsOnce }, { totalmem }] = await Promise.all([import('../runtime/inspect-live.ts'), import('node:os')]);
    const recs = texts.length ? texts.map((t) => resolveContainer(this.paths, t)) : scanContainers(this.paths).containers.map((c) => readRecordOr(this.paths, c.id)).filter((r): r is ContainerRecord => !!r);
    for (const r of texts.length ? recs : []) if (containerStatus(this.paths, r).state !== 'running') throw new UserError(`container ${r.name} is not running`);
    return statsOnce(this.paths, recs, 500, totalmem());
  }

  /** A new image: the container's image plus a layer of its changes. */
  async commit(text: string, target: string): Promise<ImageRecord> {
    const rec = resolveContainer(this.paths, text);
    const [{ commitContainer }, { images }] = await Promise.all([import('../container-store/commit.ts'), this.stores()]);
    return commitContainer(images, rec, target);
  }
}

/** pause, top and stats work on the container's cgroup, which a rootless container does not have (rootless/run-options.ts). */
function needsCgroup(verb: string): void {
  if (rootlessUid() !== undefined) throw new UserError(`${verb} needs the container's cgroup: rootless containers get none on this host`);
}

function readRecordOr(paths: StorePaths, id: string): ContainerRecord | undefined {
  try {
    return readRecord(paths, id);
  } catch {
    return undefined;
  }
}
