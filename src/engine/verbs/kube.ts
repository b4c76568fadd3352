import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UserError } from '../../common/errors.ts';
import type { ContainerRecord } from '../container-store/record.ts';
import { findContainer } from '../container-store/store.ts';
import type { StorePaths } from '../paths.ts';
import type { ContainerVerbs } from './containers.ts';
import type { PodVerbs } from './pods.ts';
import type { VolumeVerbs } from './volumes.ts';
import type { PlayPlan } from '../kube/play-plan.ts';

export interface PlayReport {
  pods: Array<{ name: string; containers: string[] }>;
  volumes: string[];
  warnings: string[];
}

export interface DownReport {
  pods: string[];
  volumes: string[];
  warnings: string[];
}

/** Kubernetes YAML in and out (docs/kube.md): generate from containers and pods, play it here, take it down. */
export class KubeVerbs {
  constructor(
    private readonly paths: StorePaths,
    private readonly pods: PodVerbs,
    private readonly containers: ContainerVerbs,
    private readonly volumes: VolumeVerbs,
  ) {}

  /** YAML for the named containers and pods: a Pod each (a pod's members in one), and with `service` a Service for published ports. */
  async generate(names: string[], service: boolean): Promise<string> {
    const [{ generatePod }, { stringify }] = await Promise.all([import('../kube/generate.ts'), import('yaml')]);
    const docs = names.flatMap((text) => {
      const pod = this.pods.find(text);
      let src: { pod?: typeof pod; containers: ContainerRecord[] };
      if (pod) {
        src = { pod, containers: this.pods.members(pod) };
        if (!src.containers.length) throw new UserError(`pod ${pod.name} has no containers: Kubernetes needs at least one`);
      } else {
        const c = findContainer(this.paths, text);
        if (!c) throw new UserError(`no such container or pod: ${text}`);
        if (c.options.pod) throw new UserError(`container ${c.name} is in a pod: generate the pod (rocker kube generate ${this.pods.find(c.options.pod)?.name ?? c.options.pod.slice(0, 12)})`);
        src = { containers: [c] };
      }
      return generatePod(src, service);
    });
    return docs.map((d) => stringify(d, { lineWidth: 0 })).join('---\n');
  }

  private async plan(text: string, source: string): Promise<PlayPlan> {
    const [{ parseDocuments }, { planPlay }] = await Promise.all([import('../kube/documents.ts'), import('../kube/play-plan.ts')]);
    const docs = parseDocuments(text, source);
    const plan = planPlay(docs.objects);
    plan.warnings.unshift(...docs.warnings);
    return plan;
  }

  /**
   * Creates what the YAML describes: volumes, then each pod and its
   * containers (started). A pod that exists is an error unless `replace`,
   * which takes down what an earlier play made first. A failure undoes
   * everything this play made.
   */
  async play(text: string, source: string, replace: boolean): Promise<PlayReport> {
    const plan = await this.plan(text, source);
    if (replace) await this.undo(plan);
    for (const p of plan.pods) if (this.pods.find(p.name)) throw new UserError(`pod ${p.name} already exists: take it down first (rocker kube down) or use --replace`);
    const { PLAY_LABEL, POD_LABEL } = await import('../kube/play-plan.ts');
    const report: PlayReport = { pods: [], volumes: [], warnings: plan.warnings };
    const made: string[] = [];
    try {
      for (const v of plan.volumes) {
        const existed = (await this.volumes.list([`name=${v.name}`])).some((x) => x.Name === v.name);
        if (existed && v.files) throw new UserError(`volume ${v.name} already exists: kube play makes it for a ConfigMap or Secret`);
        const info = this.volumes.create(v.name, existed ? {} : { [PLAY_LABEL]: 'true', ...(v.pod ? { [POD_LABEL]: v.pod } : {}) });
        if (!existed) made.push(v.name);
        for (const [path, data] of Object.entries(v.files ?? {})) {
          const file = join(info.Mountpoint, path);
          mkdirSync(dirname(file), { recursive: true });
          writeFileSync(file, data, { mode: 0o644 });
        }
        report.volumes.push(v.name);
      }
      for (const p of plan.pods) {
        this.pods.create({ name: p.name, hostname: p.hostname, network: p.network, publish: p.publish, share: p.share, labels: p.labels, addHost: [], dns: [] });
        const ids: string[] = [];
        report.pods.push({ name: p.name, containers: ids });
        for (const c of p.containers) {
          for (const h of c.create) if (!existsSync(h.path)) (h.dir ? mkdirSync(h.path, { recursive: true }) : writeFileSync(h.path, ''));
          const r = await this.containers.run({ image: c.image, command: c.command, name: c.name, flags: c.flags }).catch((err: unknown) => {
            // Which container of which pod: the run's own message does not say.
            throw err instanceof UserError ? new UserError(`pod ${p.name}: container ${c.name}: ${err.message}`) : err;
          });
          if (r.detached) ids.push(r.id);
        }
      }
    } catch (err) {
      await this.undo(plan, made).catch(() => undefined);
      throw err;
    }
    return report;
  }

  /** Removes the pods (and their containers) and the volumes an earlier play of the same YAML made. */
  async down(text: string, source: string): Promise<DownReport> {
    const plan = await this.plan(text, source);
    const { pods, volumes } = await this.undo(plan);
    return { pods, volumes, warnings: plan.warnings };
  }

  /** Undoes a plan: its pods, every replica pod of its deployments, and its volumes that play made (or, after a failed play, `only` those). */
  private async undo(plan: PlayPlan, only?: string[]): Promise<{ pods: string[]; volumes: string[] }> {
    const { PLAY_LABEL, POD_LABEL } = await import('../kube/play-plan.ts');
    const replicas = (name: string) => plan.deployments.some((d) => name.startsWith(`${d}-pod-`) && /^\d+$/.test(name.slice(d.length + 5)));
    const names = new Set([...plan.pods.map((p) => p.name), ...this.pods.list().map((r) => r.pod.name).filter(replicas)]);
    const pods: string[] = [];
    for (const name of names) {
      if (!this.pods.find(name)) continue;
      await this.pods.remove(name, true);
      pods.push(name);
    }
    const ours = await this.volumes.list([`label=${PLAY_LABEL}=true`]);
    const wanted = new Set(plan.volumes.map((v) => v.name));
    const volumes = ours
      .filter((v) => wanted.has(v.Name) || names.has(v.Labels[POD_LABEL] ?? ''))
      .map((v) => v.Name)
      .filter((n) => !only || only.includes(n));
    for (const n of volumes) await this.volumes.remove(n, false);
    return { pods, volumes };
  }
}
