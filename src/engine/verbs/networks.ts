import { UserError } from '../../common/errors.ts';
import type { CreateNetworkRequest, Network } from '../network/config.ts';
import type { PortSpec } from '../network/flags.ts';
import type { StorePaths } from '../paths.ts';
import { resolveContainer } from '../container-store/store.ts';

/** Network verbs: create, list, inspect, remove, prune, release; a container's published ports. */
export class NetworkVerbs {
  constructor(private readonly paths: StorePaths) {}

  async create(req: CreateNetworkRequest): Promise<Network> {
    const { createNetwork } = await import('../network/config.ts');
    return createNetwork(this.paths, req);
  }

  /** Every network, after releasing what killed rockers left attached. */
  async list(): Promise<Network[]> {
    const [{ collectStale }, { listNetworks }] = await Promise.all([import('../network/attach.ts'), import('../network/config.ts')]);
    await collectStale(this.paths);
    return listNetworks(this.paths);
  }

  /**
   * Docker's shape of each network `texts` names. The default network is
   * defined on first use; as Docker's always exists, inspecting it defines
   * it (its bridge still waits for the first container).
   */
  async inspect(texts: string[]): Promise<object[]> {
    const [{ DEFAULT_NETWORK, findNetwork, networkForRun }, { describeNetwork }] = await Promise.all([import('../network/config.ts'), import('../network/manage.ts')]);
    const out: object[] = [];
    for (const t of texts) {
      const net = findNetwork(this.paths, t) ?? (t === DEFAULT_NETWORK ? await networkForRun(this.paths, t) : undefined);
      if (!net) throw new UserError(`no such network: ${t}`);
      out.push(describeNetwork(this.paths, net));
    }
    return out;
  }

  /** Removes a network with its bridge, reservations and rules. */
  async remove(text: string): Promise<void> {
    const { removeNetwork } = await import('../network/manage.ts');
    await removeNetwork(this.paths, text);
  }

  /** Removes every network no container uses; their names. */
  async prune(): Promise<string[]> {
    const { pruneNetworks } = await import('../network/manage.ts');
    return pruneNetworks(this.paths);
  }

  /** Releases an ended container's network (run by its monitor once the exit is recorded). */
  async release(id: string): Promise<void> {
    if (!/^[0-9a-f]{64}$/.test(id)) throw new UserError('network release needs a full container id');
    const { containerDone, releaseContainer } = await import('../network/attach.ts');
    if (!containerDone(this.paths, id)) throw new UserError(`container ${id.slice(0, 12)} has not ended: its network stays`);
    // A pod's attachment has no container: it lasts as long as the pod's run directory (pod stop releases it).
    const { readAttachment } = await import('../network/attachment.ts');
    const dir = readAttachment(this.paths, id)?.dir;
    if (dir && (await import('node:fs')).existsSync(dir)) throw new UserError(`${id.slice(0, 12)} is a running pod's network: 'rocker pod stop' releases it`);
    await releaseContainer(this.paths, id);
  }

  /**
   * A container's published ports (while it runs, as Docker shows them),
   * only those of `port` ("80" or "80/udp") when given; a UserError when it
   * names none.
   */
  async ports(container: string, port?: string): Promise<{ name: string; ports: PortSpec[] }> {
    const rec = resolveContainer(this.paths, container);
    const { readAttachment } = await import('../network/attachment.ts');
    let ports: PortSpec[] = readAttachment(this.paths, rec.id)?.ports ?? [];
    if (port !== undefined) {
      const m = /^(\d+)(?:\/(tcp|udp))?$/.exec(port);
      if (!m) throw new UserError(`invalid port "${port}": expected PORT[/tcp|udp]`);
      ports = ports.filter((p) => p.containerPort === Number(m[1]) && p.protocol === (m[2] ?? 'tcp'));
      if (!ports.length) throw new UserError(`no public port '${port}' published for ${rec.name}`);
    }
    return { name: rec.name, ports };
  }
}
