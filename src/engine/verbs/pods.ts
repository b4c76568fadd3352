import { UserError } from '../../common/errors.ts';
import { generateId, generateName } from '../container-store/names.ts';
import type { ContainerRecord } from '../container-store/record.ts';
import { containerStatus, type ContainerState } from '../container-store/status.ts';
import { readRecord, scanContainers } from '../container-store/store.ts';
import { networkOptions } from '../network/flags.ts';
import { podHeld, podRunDir, releasePod } from '../pod-store/namespaces.ts';
import { SHAREABLE, type PodRecord, type Shared } from '../pod-store/record.ts';
import { addPod, findPod, listPods, removePodRecord, resolvePod } from '../pod-store/store.ts';
import type { StorePaths } from '../paths.ts';

export interface PodCreateRequest {
  name?: string;
  /** The pod's (and so its members') hostname; default its name. */
  hostname?: string;
  /** `--network`, as `run`'s: bridge (default), a user network, none or host. */
  network?: string;
  /** `-p` specs, as `run`'s. */
  publish: string[];
  /** `--share`: namespaces beyond net, ipc and uts (only pid). */
  share: string[];
  labels: Record<string, string>;
  addHost: string[];
  dns: string[];
}

export interface PodMember {
  id: string;
  name: string;
  state: ContainerState;
}

/** running: namespaces held and every member running; degraded: held, some not; exited: not held, members exist. */
export type PodState = 'created' | 'running' | 'degraded' | 'exited';

export interface PodRow {
  pod: PodRecord;
  state: PodState;
  members: PodMember[];
}

/** Pods: containers sharing network, IPC and UTS (and optionally PID) namespaces that the pod holds (docs/pods.md). */
export class PodVerbs {
  constructor(private readonly paths: StorePaths, private readonly runtime: string) {}

  create(req: PodCreateRequest): PodRecord {
    const extra = req.share.flatMap((s) => s.split(',')).filter(Boolean);
    for (const s of extra) if (!(SHAREABLE as readonly string[]).includes(s)) throw new UserError(`invalid --share "${s}": pods share net, ipc and uts always; --share can add pid`);
    let net: ReturnType<typeof networkOptions>;
    try {
      net = networkOptions({ network: req.network, publish: req.publish, addHost: req.addHost, dns: req.dns, dnsSearch: [], networkAlias: [] });
    } catch (err) {
      // run's flag errors carry run's exit code (125); pod create fails as other commands do (1).
      throw err instanceof UserError ? new UserError(err.message) : err;
    }
    const name = req.name ?? generateName();
    if (req.hostname !== undefined && !/^[a-zA-Z0-9]([a-zA-Z0-9.-]{0,62}[a-zA-Z0-9])?$/.test(req.hostname)) throw new UserError(`invalid hostname "${req.hostname}"`);
    const share: Shared[] = ['net', 'ipc', 'uts', ...(extra.includes('pid') ? ['pid' as const] : [])];
    const rec: PodRecord = {
      id: generateId(), name, created: new Date().toISOString(), hostname: req.hostname ?? name, share,
      network: net.network, publish: net.publish ?? [], labels: req.labels,
      ...(req.addHost.length ? { addHosts: req.addHost } : {}), ...(req.dns.length ? { dns: req.dns } : {}),
    };
    addPod(this.paths, rec);
    return rec;
  }

  /** The containers in the pod, oldest first. */
  members(pod: PodRecord): ContainerRecord[] {
    return scanContainers(this.paths).containers.flatMap((c) => {
      try {
        const rec = readRecord(this.paths, c.id);
        return rec.options.pod === pod.id ? [rec] : [];
      } catch {
        return [];
      }
    });
  }

  private row(pod: PodRecord, all: ContainerRecord[]): PodRow {
    const members = all.filter((c) => c.options.pod === pod.id).map((c) => ({ id: c.id, name: c.name, state: containerStatus(this.paths, c).state }));
    const running = members.filter((m) => m.state === 'running').length;
    const held = podHeld(this.paths, pod.id);
    const state: PodState = held ? (running === members.length ? 'running' : 'degraded') : members.length ? 'exited' : 'created';
    return { pod, state, members };
  }

  list(): PodRow[] {
    const all = scanContainers(this.paths).containers.flatMap((c) => {
      try {
        return [readRecord(this.paths, c.id)];
      } catch {
        return [];
      }
    });
    return listPods(this.paths).map((p) => this.row(p, all));
  }

  find(text: string): PodRecord | undefined {
    return findPod(this.paths, text);
  }

  /** `pod inspect`: the record, its state, members, and where its namespaces are held. */
  async inspect(text: string): Promise<Record<string, unknown>> {
    const pod = resolvePod(this.paths, text);
    const { state, members } = this.row(pod, this.members(pod));
    let ip: string | undefined;
    if (podHeld(this.paths, pod.id)) ip = (await import('../network/attachment.ts')).readAttachment(this.paths, pod.id)?.ip;
    return {
      Id: pod.id, Name: pod.name, Created: pod.created, State: state, Hostname: pod.hostname, SharedNamespaces: pod.share,
      Network: pod.network, ...(ip ? { IPAddress: ip } : {}),
      Ports: pod.publish.map((p) => `${p.hostIp || '0.0.0.0'}:${p.hostPort || ''}->${p.containerPort}/${p.protocol}`),
      Labels: pod.labels, NamespacesDir: podRunDir(this.paths, pod.id),
      Containers: members.map((m) => ({ Id: m.id, Name: m.name, State: m.state })),
    };
  }

  /** Makes the pod's namespaces, then starts every member that is not running; the names that failed, with why. */
  async start(text: string): Promise<Array<{ name: string; error?: string }>> {
    const pod = resolvePod(this.paths, text);
    const [{ holdPod }, { startEach }] = await Promise.all([import('../pod-store/namespaces.ts'), import('../runtime/start-again.ts')]);
    await holdPod(this.paths, pod);
    return startEach(this.paths, this.members(pod));
  }

  /** Stops every member (SIGTERM, then SIGKILL after `timeoutSec`), then lets the namespaces go. */
  async stop(text: string, timeoutSec: number): Promise<PodRecord> {
    const pod = resolvePod(this.paths, text);
    const { stopContainer } = await import('../runtime/lifecycle.ts');
    await Promise.all(this.members(pod).map((c) => stopContainer(this.paths, c, timeoutSec)));
    await releasePod(this.paths, pod.id);
    return pod;
  }

  /** Removes the pod and its containers; running ones only with `force` (killed, as `rm -f` does). */
  async remove(text: string, force: boolean): Promise<PodRecord> {
    const pod = resolvePod(this.paths, text);
    const members = this.members(pod);
    const running = members.find((c) => containerStatus(this.paths, c).state === 'running');
    if (running && !force) throw new UserError(`pod ${pod.name} has running container ${running.name}: stop the pod first, or use 'rocker pod rm -f'`);
    const { removeContainer } = await import('../runtime/lifecycle.ts');
    for (const c of members) await removeContainer(this.paths, c, force, this.runtime);
    await releasePod(this.paths, pod.id);
    removePodRecord(this.paths, pod);
    return pod;
  }
}
