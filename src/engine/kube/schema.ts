// The Kubernetes objects `kube play` accepts, checked at the edge: a field
// of the wrong type is an error; a field rocker does not know is named in a
// warning and ignored (unknownFields), as Podman does. Only what rocker can
// honour is listed here; docs/kube.md says what each maps to.
import * as v from 'valibot';
import { finite, int, object, record } from '../../common/schema.ts';

/** RFC 1123 labels and subdomains: what Kubernetes allows as names. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

const name = v.pipe(v.string(), v.regex(DNS_NAME, 'must be a lowercase RFC 1123 name'));
const label = v.pipe(v.string(), v.regex(DNS_LABEL, 'must be a lowercase RFC 1123 label (letters, digits, "-")'));
const strings = record(v.string(), v.string());
const quantity = v.union([v.string(), finite()]);
const opt = v.optional;

const Metadata = object({ name, namespace: opt(v.string()), labels: opt(strings), annotations: opt(strings) });
const KeyRef = object({ name, key: v.string(), optional: opt(v.boolean()) });
const SourceRef = object({ name, optional: opt(v.boolean()) });
const KeyPaths = opt(v.array(object({ key: v.string(), path: v.string() })));
const Seccomp = object({ type: v.picklist(['RuntimeDefault', 'Unconfined', 'Localhost']), localhostProfile: opt(v.string()) });

const SecurityContext = object({
  capabilities: opt(object({ add: opt(v.array(v.string())), drop: opt(v.array(v.string())) })),
  privileged: opt(v.boolean()),
  readOnlyRootFilesystem: opt(v.boolean()),
  allowPrivilegeEscalation: opt(v.boolean()),
  runAsUser: opt(int()),
  runAsGroup: opt(int()),
  seccompProfile: opt(Seccomp),
});

const Probe = object({
  exec: object({ command: v.pipe(v.array(v.string()), v.minLength(1)) }),
  initialDelaySeconds: opt(int()),
  periodSeconds: opt(int()),
  timeoutSeconds: opt(int()),
  failureThreshold: opt(int()),
});

export const ContainerSchema = object({
  name: label,
  image: v.pipe(v.string(), v.minLength(1)),
  command: opt(v.array(v.string())),
  args: opt(v.array(v.string())),
  workingDir: opt(v.string()),
  env: opt(v.array(object({ name: v.string(), value: opt(v.string()), valueFrom: opt(object({ configMapKeyRef: opt(KeyRef), secretKeyRef: opt(KeyRef) })) }))),
  envFrom: opt(v.array(object({ prefix: opt(v.string()), configMapRef: opt(SourceRef), secretRef: opt(SourceRef) }))),
  ports: opt(v.array(object({
    name: opt(v.string()), containerPort: int(), hostPort: opt(int()), hostIP: opt(v.string()), protocol: opt(v.picklist(['TCP', 'UDP'])),
  }))),
  volumeMounts: opt(v.array(object({ name: label, mountPath: v.string(), readOnly: opt(v.boolean()) }))),
  resources: opt(object({ limits: opt(record(v.string(), quantity)), requests: opt(record(v.string(), quantity)) })),
  securityContext: opt(SecurityContext),
  livenessProbe: opt(Probe),
  imagePullPolicy: opt(v.string()),
});
export type KubeContainer = v.InferOutput<typeof ContainerSchema>;

const VolumeSchema = object({
  name: label,
  hostPath: opt(object({ path: v.string(), type: opt(v.string()) })),
  persistentVolumeClaim: opt(object({ claimName: name, readOnly: opt(v.boolean()) })),
  configMap: opt(object({ name, items: KeyPaths, optional: opt(v.boolean()) })),
  secret: opt(object({ secretName: name, items: KeyPaths, optional: opt(v.boolean()) })),
  emptyDir: opt(object({ medium: opt(v.string()), sizeLimit: opt(quantity) })),
});
export type KubeVolume = v.InferOutput<typeof VolumeSchema>;

export const PodSpecSchema = object({
  containers: v.pipe(v.array(ContainerSchema), v.minLength(1)),
  volumes: opt(v.array(VolumeSchema)),
  restartPolicy: opt(v.picklist(['Always', 'OnFailure', 'Never'])),
  hostname: opt(label),
  hostNetwork: opt(v.boolean()),
  shareProcessNamespace: opt(v.boolean()),
  securityContext: opt(object({ runAsUser: opt(int()), runAsGroup: opt(int()), seccompProfile: opt(Seccomp) })),
});
export type PodSpec = v.InferOutput<typeof PodSpecSchema>;

export const KINDS = {
  Pod: object({ apiVersion: v.literal('v1'), kind: v.literal('Pod'), metadata: Metadata, spec: PodSpecSchema }),
  Deployment: object({
    apiVersion: v.literal('apps/v1'), kind: v.literal('Deployment'), metadata: Metadata,
    spec: object({
      replicas: opt(v.pipe(int(), v.minValue(0))),
      // Kubernetes needs them; here each replica is a pod of its own, so they select nothing.
      selector: opt(v.unknown()), strategy: opt(v.unknown()),
      template: object({ metadata: opt(object({ labels: opt(strings), annotations: opt(strings) })), spec: PodSpecSchema }),
    }),
  }),
  ConfigMap: object({ apiVersion: v.literal('v1'), kind: v.literal('ConfigMap'), metadata: Metadata, data: opt(strings), binaryData: opt(strings) }),
  Secret: object({ apiVersion: v.literal('v1'), kind: v.literal('Secret'), metadata: Metadata, type: opt(v.string()), data: opt(strings), stringData: opt(strings) }),
  // Size and access modes mean nothing to a local named volume.
  PersistentVolumeClaim: object({ apiVersion: v.literal('v1'), kind: v.literal('PersistentVolumeClaim'), metadata: Metadata, spec: opt(v.unknown()) }),
  // Ports come from the containers' hostPort: a Service is accepted and has nothing left to do.
  Service: object({ apiVersion: v.literal('v1'), kind: v.literal('Service'), metadata: Metadata, spec: opt(v.unknown()) }),
} as const;
export type Kind = keyof typeof KINDS;
export type KubeObject<K extends Kind = Kind> = v.InferOutput<(typeof KINDS)[K]>;

type Node = { type: string; wrapped?: Node; item?: Node; entries?: Record<string, Node> };

/** The fields of `value` the schema does not name, as paths ("spec.containers[0].readinessProbe"). */
export function unknownFields(schema: v.GenericSchema, value: unknown, path = ''): string[] {
  return fieldsNotIn(schema as unknown as Node, value, path);
}

function fieldsNotIn(node: Node, value: unknown, path: string): string[] {
  if (node.type === 'optional' && node.wrapped) return value === undefined ? [] : fieldsNotIn(node.wrapped, value, path);
  if (node.type === 'array' && node.item && Array.isArray(value)) return value.flatMap((x, i) => fieldsNotIn(node.item!, x, `${path}[${i}]`));
  if (node.type !== 'object' || !node.entries || typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([k, x]) => {
    const field = node.entries![k];
    const p = path ? `${path}.${k}` : k;
    return field ? fieldsNotIn(field, x, p) : [p];
  });
}
