// `kube generate`: containers and pods as Kubernetes objects (a Pod each,
// with --service a Service for its published ports). Plain objects: the
// verb writes them as YAML. docs/kube.md has the mapping, field by field.
import { statSync } from 'node:fs';
import type { ContainerRecord, RunOptions } from '../container-store/record.ts';
import type { PodRecord } from '../pod-store/record.ts';
import { DNS_LABEL } from './schema.ts';

/** What one Pod is made from: a rocker pod and its members, or one container on its own. */
export interface PodSource {
  pod?: PodRecord;
  containers: ContainerRecord[];
}

type Obj = Record<string, unknown>;

/** A name Kubernetes accepts: lowercase, "-" for what RFC 1123 forbids. */
export function kubeName(text: string): string {
  const s = text.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63).replace(/-+$/, '');
  return s || 'x';
}

const LABEL_KEY = /^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

/** Labels Kubernetes accepts as labels; the rest (longer values, other characters) become annotations. */
function splitLabels(all: Record<string, string>): { labels: Record<string, string>; annotations: Record<string, string> } {
  const labels: Record<string, string> = {};
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(all)) (LABEL_KEY.test(k) && LABEL_VALUE.test(v) ? labels : annotations)[k] = v;
  return { labels, annotations };
}

/** Bytes as Kubernetes writes them: Mi or Gi when exact. */
function bytesQuantity(n: number): string {
  for (const [unit, size] of [['Gi', 1024 ** 3], ['Mi', 1024 ** 2], ['Ki', 1024]] as const) if (n % size === 0) return `${n / size}${unit}`;
  return String(n);
}

function resources(r: RunOptions['resources']): Obj | undefined {
  const limits: Obj = {};
  const requests: Obj = {};
  if (r.memory !== undefined) limits.memory = bytesQuantity(r.memory);
  if (r.cpus !== undefined) limits.cpu = `${Math.round(r.cpus * 1000)}m`;
  // Kubernetes turns a CPU request into cgroup shares (1 CPU = 1024): the way back.
  if (r.cpuShares !== undefined) requests.cpu = `${Math.round((r.cpuShares * 1000) / 1024)}m`;
  const out: Obj = {};
  if (Object.keys(limits).length) out.limits = limits;
  if (Object.keys(requests).length) out.requests = requests;
  return Object.keys(out).length ? out : undefined;
}

function securityContext(c: ContainerRecord): Obj {
  const o = c.options;
  const strip = (caps: string[]) => caps.map((x) => x.replace(/^CAP_/, ''));
  const caps: Obj = {};
  if (o.capAdd.length) caps.add = strip(o.capAdd);
  if (o.capDrop.length) caps.drop = strip(o.capDrop);
  const seccomp = o.seccomp === undefined || o.seccomp === 'default' ? { type: 'RuntimeDefault' }
    : o.seccomp === 'unconfined' ? { type: 'Unconfined' } : { type: 'Localhost', localhostProfile: o.seccomp.file };
  return {
    ...(Object.keys(caps).length ? { capabilities: caps } : {}),
    ...(o.privileged ? { privileged: true } : {}),
    ...(o.readOnly ? { readOnlyRootFilesystem: true } : {}),
    ...(o.noNewPrivileges ? { allowPrivilegeEscalation: false } : {}),
    ...(o.user !== undefined ? { runAsUser: c.process.uid, runAsGroup: c.process.gid } : {}),
    ...(o.privileged ? {} : { seccompProfile: seccomp }),
  };
}

const seconds = (ms: number | undefined) => (ms === undefined ? undefined : Math.max(1, Math.round(ms / 1000)));

/** The health check as a liveness probe: Kubernetes runs exec probes, as rocker runs CMD and CMD-SHELL checks. */
function livenessProbe(h: RunOptions['health']): Obj | undefined {
  if (!h || h.test[0] === 'NONE' || h.test.length < 2) return undefined;
  const command = h.test[0] === 'CMD-SHELL' ? ['/bin/sh', '-c', h.test[1]!] : h.test.slice(1);
  const probe: Obj = { exec: { command } };
  const fields: Array<[string, number | undefined]> = [
    ['initialDelaySeconds', h.startPeriod ? seconds(h.startPeriod) : undefined], ['periodSeconds', seconds(h.interval)],
    ['timeoutSeconds', seconds(h.timeout)], ['failureThreshold', h.retries],
  ];
  for (const [k, v] of fields) if (v !== undefined) probe[k] = v;
  return probe;
}

const RESTART: Record<string, string> = { no: 'Never', always: 'Always', 'unless-stopped': 'Always', 'on-failure': 'OnFailure' };

/** The pod's volumes, one per source however many containers mount it, named as Kubernetes wants. */
class Volumes {
  readonly list: Obj[] = [];
  private readonly bySource = new Map<string, string>();

  name(key: string, base: string, make: () => Obj): string {
    let n = this.bySource.get(key);
    if (n) return n;
    n = kubeName(base);
    for (let i = 1; this.list.some((v) => v.name === n); i++) n = kubeName(`${base}-${i}`);
    this.bySource.set(key, n);
    this.list.push({ name: n, ...make() });
    return n;
  }
}

function hostPathType(path: string): string | undefined {
  try {
    return statSync(path).isDirectory() ? 'Directory' : 'File';
  } catch {
    return undefined;
  }
}

function volumeMounts(o: RunOptions, vols: Volumes): Obj[] {
  const mounts = o.volumes.map((v) => {
    const name = v.volume === undefined
      ? vols.name(`host:${v.source}`, `host-${v.source}`, () => ({ hostPath: { path: v.source, ...(hostPathType(v.source) ? { type: hostPathType(v.source) } : {}) } }))
      : v.anonymous
        ? vols.name(`anon:${v.volume}`, `anon-${v.destination}`, () => ({ emptyDir: {} }))
        : vols.name(`pvc:${v.volume}`, `${v.volume}-pvc`, () => ({ persistentVolumeClaim: { claimName: kubeName(v.volume!) } }));
    return { name, mountPath: v.destination, ...(v.readOnly ? { readOnly: true } : {}) };
  });
  for (const t of o.tmpfs) mounts.push({ name: vols.name(`tmpfs:${t.destination}`, `tmpfs-${t.destination}`, () => ({ emptyDir: { medium: 'Memory' } })), mountPath: t.destination });
  return mounts;
}

function container(c: ContainerRecord, name: string, ports: NonNullable<RunOptions['publish']>, vols: Volumes): Obj {
  const o = c.options;
  const [command, ...args] = c.command;
  const env = o.env.map((e) => ({ name: e.slice(0, e.indexOf('=')), value: e.slice(e.indexOf('=') + 1) })).filter((e) => e.name);
  const mounts = volumeMounts(o, vols);
  const res = resources(o.resources);
  const probe = livenessProbe(o.health);
  return {
    name,
    image: c.image.name ? `${c.image.name}:${c.image.tag}` : c.image.id,
    command: [command],
    ...(args.length ? { args } : {}),
    ...(env.length ? { env } : {}),
    ...(o.workdir !== undefined ? { workingDir: o.workdir } : {}),
    ...(ports.length
      ? { ports: ports.map((p) => ({ containerPort: p.containerPort, ...(p.hostPort ? { hostPort: p.hostPort } : {}), ...(p.hostIp ? { hostIP: p.hostIp } : {}), protocol: p.protocol.toUpperCase() })) }
      : {}),
    ...(mounts.length ? { volumeMounts: mounts } : {}),
    ...(res ? { resources: res } : {}),
    securityContext: securityContext(c),
    ...(probe ? { livenessProbe: probe } : {}),
  };
}

/** One Pod object (and with `service` its Service, when it publishes ports). */
export function generatePod(src: PodSource, service: boolean): Obj[] {
  const { pod, containers } = src;
  const first = containers[0];
  const podName = kubeName(pod ? pod.name : `${first!.name}-pod`);
  const vols = new Volumes();
  const published = pod ? pod.publish : (first?.options.publish ?? []);
  const used = new Set<string>();
  const specs = containers.map((c, i) => {
    // A member made by kube play is named <pod>-<container>: the pod's part goes, so a round trip keeps the name.
    let name = kubeName(pod && c.name.startsWith(`${pod.name}-`) ? c.name.slice(pod.name.length + 1) : c.name);
    if (!DNS_LABEL.test(name) || used.has(name)) name = kubeName(`${name}-${i}`);
    used.add(name);
    // A pod's ports are the pod's: Kubernetes lists them on a container, here the first.
    return container(c, name, pod ? (i === 0 ? published : []) : (c.options.publish ?? []), vols);
  });
  const { labels, annotations } = splitLabels(Object.assign({}, pod?.labels, ...containers.map((c) => c.options.labels ?? {})));
  const restart = containers.find((c) => c.options.restart)?.options.restart?.policy;
  const network = pod ? pod.network : first?.options.network;
  const hostname = pod ? undefined : first?.options.hostname;
  const podObj: Obj = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: podName, labels: { app: podName, ...labels }, ...(Object.keys(annotations).length ? { annotations } : {}) },
    spec: {
      ...(hostname ? { hostname: kubeName(hostname) } : {}),
      ...(network === 'host' ? { hostNetwork: true } : {}),
      ...(pod?.share.includes('pid') ? { shareProcessNamespace: true } : {}),
      restartPolicy: RESTART[restart ?? 'no'],
      containers: specs,
      ...(vols.list.length ? { volumes: vols.list } : {}),
    },
  };
  if (!service || !published.length) return [podObj];
  const ports = published.map((p) => ({
    name: `${p.containerPort}-${p.protocol}`, port: p.hostPort || p.containerPort, targetPort: p.containerPort, protocol: p.protocol.toUpperCase(),
    // A NodePort must be in Kubernetes' default range; outside it the cluster picks one.
    ...(p.hostPort >= 30000 && p.hostPort <= 32767 ? { nodePort: p.hostPort } : {}),
  }));
  return [podObj, { apiVersion: 'v1', kind: 'Service', metadata: { name: podName, labels: { app: podName } }, spec: { type: 'NodePort', selector: { app: podName }, ports } }];
}
