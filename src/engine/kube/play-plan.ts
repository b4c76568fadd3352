// `kube play`: Kubernetes objects turned into what rocker makes: volumes (with
// the files of ConfigMaps and Secrets), pods, and each container as the run
// flags a person would type. Pure: the verb carries the plan out, and undoes
// it (kube down, --replace) from the same plan.
import type { RunFlags } from '../runtime/run-options.ts';
import type { KubeContainer, KubeObject, KubeVolume, PodSpec } from './schema.ts';
import { UserError } from '../../common/errors.ts';

/** Set on what play makes, so down removes only that (a claim of an existing volume keeps it). */
export const PLAY_LABEL = 'io.rocker.kube.play';
/** On a volume made for one pod (ConfigMap, Secret, emptyDir): down removes it with the pod, even a replica the YAML no longer has. */
export const POD_LABEL = 'io.rocker.kube.pod';

export interface PlannedVolume {
  name: string;
  /** The pod it was made for; absent for claims. */
  pod?: string;
  /** Files to write into it (ConfigMap and Secret volumes); absent for claims and emptyDir. */
  files?: Record<string, Uint8Array>;
}

export interface PlannedContainer {
  name: string;
  image: string;
  command: string[];
  flags: RunFlags;
  /** hostPath volumes of type DirectoryOrCreate / FileOrCreate: made before the container. */
  create: Array<{ path: string; dir: boolean }>;
}

export interface PlannedPod {
  name: string;
  hostname?: string;
  network: string;
  publish: string[];
  share: string[];
  labels: Record<string, string>;
  containers: PlannedContainer[];
}

export interface PlayPlan {
  volumes: PlannedVolume[];
  pods: PlannedPod[];
  /** Deployments: every pod named <deployment>-pod-N is theirs (down removes replicas a later YAML dropped). */
  deployments: string[];
  warnings: string[];
}

type Data = Map<string, Record<string, Uint8Array>>;

const bad = (msg: string) => new UserError(msg);

function emptyFlags(): RunFlags {
  return { env: [], envFile: [], volume: [], tmpfs: [], capAdd: [], capDrop: [], securityOpt: [], publish: [], addHost: [], dns: [], dnsSearch: [], networkAlias: [] };
}

/** Kubernetes quantities: CPUs ("500m", "1.5") and bytes ("256Mi", "1G", "1000"). */
export function cpuQuantity(q: string | number, what: string): number {
  const m = /^(\d+(?:\.\d+)?)(m?)$/.exec(String(q));
  if (!m) throw bad(`invalid ${what} "${q}": expected CPUs such as 500m or 1.5`);
  return Number(m[1]) / (m[2] ? 1000 : 1);
}

export function byteQuantity(q: string | number, what: string): number {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(String(q));
  if (!m) throw bad(`invalid ${what} "${q}": expected a size such as 256Mi or 1G`);
  const unit: Record<string, number> = { '': 1, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };
  return Math.round(Number(m[1]) * unit[m[2] ?? '']!);
}

const shellQuote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`);

/** ConfigMap and Secret contents by name, as bytes (a Secret's data is base64, its stringData plain). */
function collectData(objects: KubeObject[]): { configMaps: Data; secrets: Data } {
  const enc = new TextEncoder();
  const configMaps: Data = new Map();
  const secrets: Data = new Map();
  for (const o of objects) {
    if (o.kind === 'ConfigMap') {
      const cm = o as KubeObject<'ConfigMap'>;
      const entries = [...Object.entries(cm.data ?? {}).map(([k, v]) => [k, enc.encode(v)] as const), ...Object.entries(cm.binaryData ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')] as const)];
      configMaps.set(cm.metadata.name, Object.fromEntries(entries));
    } else if (o.kind === 'Secret') {
      const s = o as KubeObject<'Secret'>;
      const entries = [...Object.entries(s.data ?? {}).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))] as const), ...Object.entries(s.stringData ?? {}).map(([k, v]) => [k, enc.encode(v)] as const)];
      secrets.set(s.metadata.name, Object.fromEntries(entries));
    }
  }
  return { configMaps, secrets };
}

class Planner {
  readonly plan: PlayPlan = { volumes: [], pods: [], deployments: [], warnings: [] };
  private readonly configMaps: Data;
  private readonly secrets: Data;
  private readonly dec = new TextDecoder();

  constructor(objects: KubeObject[]) {
    ({ configMaps: this.configMaps, secrets: this.secrets } = collectData(objects));
    for (const o of objects) {
      if (o.kind === 'PersistentVolumeClaim') this.plan.volumes.push({ name: o.metadata.name });
      else if (o.kind === 'Pod') this.pod(o.metadata.name, (o as KubeObject<'Pod'>).spec, o.metadata.labels ?? {});
      else if (o.kind === 'Deployment') {
        const d = o as KubeObject<'Deployment'>;
        this.plan.deployments.push(d.metadata.name);
        const replicas = d.spec.replicas ?? 1;
        for (let i = 0; i < replicas; i++) this.pod(`${d.metadata.name}-pod-${i}`, d.spec.template.spec, { ...d.metadata.labels, ...d.spec.template.metadata?.labels }, i > 0);
      }
    }
  }

  private source(kind: 'ConfigMap' | 'Secret', name: string, optional: boolean | undefined): Record<string, Uint8Array> | undefined {
    const found = (kind === 'ConfigMap' ? this.configMaps : this.secrets).get(name);
    if (!found && !optional) throw bad(`${kind} ${name} is not in the YAML: kube play takes ConfigMaps and Secrets from the same input`);
    return found;
  }

  private env(c: KubeContainer): string[] {
    const out: string[] = [];
    for (const from of c.envFrom ?? []) {
      const ref = from.configMapRef ? (['ConfigMap', from.configMapRef] as const) : from.secretRef ? (['Secret', from.secretRef] as const) : undefined;
      if (!ref) continue;
      for (const [k, v] of Object.entries(this.source(ref[0], ref[1].name, ref[1].optional) ?? {})) out.push(`${from.prefix ?? ''}${k}=${this.dec.decode(v)}`);
    }
    for (const e of c.env ?? []) {
      const ref = e.valueFrom?.configMapKeyRef ? (['ConfigMap', e.valueFrom.configMapKeyRef] as const) : e.valueFrom?.secretKeyRef ? (['Secret', e.valueFrom.secretKeyRef] as const) : undefined;
      if (!ref) {
        out.push(`${e.name}=${e.value ?? ''}`);
        continue;
      }
      const value = this.source(ref[0], ref[1].name, ref[1].optional)?.[ref[1].key];
      if (value === undefined && !ref[1].optional) throw bad(`${ref[0]} ${ref[1].name} has no key ${ref[1].key} (env ${e.name} of container ${c.name})`);
      if (value !== undefined) out.push(`${e.name}=${this.dec.decode(value)}`);
    }
    return out;
  }

  /** A ConfigMap's or Secret's keys as files (all, or the listed items at their paths). */
  private files(kind: 'ConfigMap' | 'Secret', name: string, items: Array<{ key: string; path: string }> | undefined, optional: boolean | undefined): Record<string, Uint8Array> {
    const data = this.source(kind, name, optional) ?? {};
    if (!items) return data;
    const out: Record<string, Uint8Array> = {};
    for (const it of items) {
      if (data[it.key] === undefined) throw bad(`${kind} ${name} has no key ${it.key}`);
      if (it.path.split('/').some((p) => p === '..' || p === '') || it.path.startsWith('/')) throw bad(`${kind} ${name}: item path "${it.path}" must be relative and stay inside the volume`);
      out[it.path] = data[it.key]!;
    }
    return out;
  }

  /** One volume mount as run flags: a -v of some source, or a --tmpfs. */
  private mount(podName: string, v: KubeVolume, path: string, readOnly: boolean, flags: RunFlags, create: PlannedContainer['create']): void {
    const ro = readOnly ? ':ro' : '';
    const own = (files?: Record<string, Uint8Array>) => {
      const name = `${podName}-${v.name}`;
      if (!this.plan.volumes.some((x) => x.name === name)) this.plan.volumes.push({ name, pod: podName, ...(files ? { files } : {}) });
      return name;
    };
    if (v.hostPath) {
      if (v.hostPath.type === 'DirectoryOrCreate' || v.hostPath.type === 'FileOrCreate') create.push({ path: v.hostPath.path, dir: v.hostPath.type === 'DirectoryOrCreate' });
      flags.volume.push(`${v.hostPath.path}:${path}${ro}`);
    } else if (v.persistentVolumeClaim) {
      flags.volume.push(`${v.persistentVolumeClaim.claimName}:${path}${ro || (v.persistentVolumeClaim.readOnly ? ':ro' : '')}`);
    } else if (v.configMap) {
      flags.volume.push(`${own(this.files('ConfigMap', v.configMap.name, v.configMap.items, v.configMap.optional))}:${path}:ro`);
    } else if (v.secret) {
      flags.volume.push(`${own(this.files('Secret', v.secret.secretName, v.secret.items, v.secret.optional))}:${path}:ro`);
    } else if (v.emptyDir?.medium === 'Memory') {
      flags.tmpfs.push(path);
    } else if (v.emptyDir) {
      flags.volume.push(`${own()}:${path}${ro}`);
    } else {
      throw bad(`volume ${v.name} of pod ${podName}: only hostPath, persistentVolumeClaim, configMap, secret and emptyDir volumes are supported`);
    }
  }

  private container(podName: string, spec: PodSpec, c: KubeContainer, labels: Record<string, string>): PlannedContainer {
    const flags = emptyFlags();
    flags.label = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
    const create: PlannedContainer['create'] = [];
    flags.env = this.env(c);
    flags.detach = true;
    flags.pod = podName;
    if (c.workingDir !== undefined) flags.workdir = c.workingDir;
    const sc = { ...spec.securityContext, ...c.securityContext };
    if (sc.runAsUser !== undefined) flags.user = sc.runAsUser + (sc.runAsGroup !== undefined ? `:${sc.runAsGroup}` : '');
    else if (sc.runAsGroup !== undefined) flags.user = `0:${sc.runAsGroup}`;
    flags.capAdd = c.securityContext?.capabilities?.add ?? [];
    flags.capDrop = c.securityContext?.capabilities?.drop ?? [];
    if (c.securityContext?.privileged) flags.privileged = true;
    if (c.securityContext?.readOnlyRootFilesystem) flags.readOnly = true;
    if (c.securityContext?.allowPrivilegeEscalation === false) flags.securityOpt.push('no-new-privileges');
    const seccomp = sc.seccompProfile;
    if (seccomp?.type === 'Unconfined') flags.securityOpt.push('seccomp=unconfined');
    if (seccomp?.type === 'Localhost') {
      if (!seccomp.localhostProfile) throw bad(`container ${c.name}: a Localhost seccompProfile needs localhostProfile (a profile file)`);
      flags.securityOpt.push(`seccomp=${seccomp.localhostProfile}`);
    }
    const lim = c.resources?.limits ?? {};
    if (lim.memory !== undefined) flags.memory = String(byteQuantity(lim.memory, `memory limit of container ${c.name}`));
    if (lim.cpu !== undefined) flags.cpus = String(cpuQuantity(lim.cpu, `cpu limit of container ${c.name}`));
    const req = c.resources?.requests?.cpu;
    if (req !== undefined) flags.cpuShares = String(Math.max(2, Math.round(cpuQuantity(req, `cpu request of container ${c.name}`) * 1024)));
    flags.restart = { Always: 'always', OnFailure: 'on-failure', Never: 'no' }[spec.restartPolicy ?? 'Always'];
    const probe = c.livenessProbe;
    if (probe) {
      const cmd = probe.exec.command;
      flags.healthCmd = cmd.length === 3 && /^(\/bin\/)?sh$/.test(cmd[0]!) && cmd[1] === '-c' ? cmd[2]! : cmd.map(shellQuote).join(' ');
      if (probe.periodSeconds !== undefined) flags.healthInterval = `${probe.periodSeconds}s`;
      if (probe.timeoutSeconds !== undefined) flags.healthTimeout = `${probe.timeoutSeconds}s`;
      if (probe.failureThreshold !== undefined) flags.healthRetries = String(probe.failureThreshold);
      if (probe.initialDelaySeconds !== undefined) flags.healthStartPeriod = `${probe.initialDelaySeconds}s`;
    }
    const volumes = new Map((spec.volumes ?? []).map((v) => [v.name, v]));
    for (const m of c.volumeMounts ?? []) {
      const v = volumes.get(m.name);
      if (!v) throw bad(`container ${c.name} of pod ${podName} mounts volume ${m.name}, which the pod does not define`);
      this.mount(podName, v, m.mountPath, !!m.readOnly, flags, create);
    }
    // command replaces the image's entrypoint (and so its Cmd, as --entrypoint does); args alone replace the Cmd.
    const [entry, ...rest] = c.command ?? [];
    if (entry !== undefined) flags.entrypoint = entry;
    return { name: `${podName}-${c.name}`, image: c.image, command: [...rest, ...(c.args ?? [])], flags, create };
  }

  private pod(name: string, spec: PodSpec, labels: Record<string, string>, replica = false): void {
    const publish: string[] = [];
    for (const c of spec.containers) {
      for (const p of c.ports ?? []) {
        if (!p.hostPort) continue;
        // Replicas cannot all have one host port: the first takes it, as only one pod per node could in Kubernetes.
        if (replica) continue;
        publish.push(`${p.hostIP ? `${p.hostIP}:` : ''}${p.hostPort}:${p.containerPort}/${(p.protocol ?? 'TCP').toLowerCase()}`);
      }
    }
    if (replica && spec.containers.some((c) => c.ports?.some((p) => p.hostPort))) this.plan.warnings.push(`pod ${name}: hostPort left to the first replica`);
    this.plan.pods.push({
      name,
      ...(spec.hostname ? { hostname: spec.hostname } : {}),
      network: spec.hostNetwork ? 'host' : 'bridge',
      publish,
      share: spec.shareProcessNamespace ? ['pid'] : [],
      labels,
      containers: spec.containers.map((c) => this.container(name, spec, c, labels)),
    });
  }
}

export function planPlay(objects: KubeObject[]): PlayPlan {
  return new Planner(objects).plan;
}
