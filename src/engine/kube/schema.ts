// The Kubernetes objects `kube play` accepts, checked at the edge: a field
// of the wrong type is an error; a field rocker does not know is named in a
// warning and ignored (unknownFields), as Podman does. Only what rocker can
// honour is listed here; docs/kube.md says what each maps to.
import { z } from '../../common/schema.ts';

/** RFC 1123 labels and subdomains: what Kubernetes allows as names. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

const name = z.string().check(z.regex(DNS_NAME, 'must be a lowercase RFC 1123 name'));
const label = z.string().check(z.regex(DNS_LABEL, 'must be a lowercase RFC 1123 label (letters, digits, "-")'));
const strings = z.record(z.string(), z.string());
const quantity = z.union([z.string(), z.number()]);
const opt = z.optional;

const Metadata = z.object({ name, namespace: opt(z.string()), labels: opt(strings), annotations: opt(strings) });
const KeyRef = z.object({ name, key: z.string(), optional: opt(z.boolean()) });
const SourceRef = z.object({ name, optional: opt(z.boolean()) });
const KeyPaths = opt(z.array(z.object({ key: z.string(), path: z.string() })));
const Seccomp = z.object({ type: z.enum(['RuntimeDefault', 'Unconfined', 'Localhost']), localhostProfile: opt(z.string()) });

const SecurityContext = z.object({
  capabilities: opt(z.object({ add: opt(z.array(z.string())), drop: opt(z.array(z.string())) })),
  privileged: opt(z.boolean()),
  readOnlyRootFilesystem: opt(z.boolean()),
  allowPrivilegeEscalation: opt(z.boolean()),
  runAsUser: opt(z.int()),
  runAsGroup: opt(z.int()),
  seccompProfile: opt(Seccomp),
});

const Probe = z.object({
  exec: z.object({ command: z.array(z.string()).check(z.minLength(1)) }),
  initialDelaySeconds: opt(z.int()),
  periodSeconds: opt(z.int()),
  timeoutSeconds: opt(z.int()),
  failureThreshold: opt(z.int()),
});

export const ContainerSchema = z.object({
  name: label,
  image: z.string().check(z.minLength(1)),
  command: opt(z.array(z.string())),
  args: opt(z.array(z.string())),
  workingDir: opt(z.string()),
  env: opt(z.array(z.object({ name: z.string(), value: opt(z.string()), valueFrom: opt(z.object({ configMapKeyRef: opt(KeyRef), secretKeyRef: opt(KeyRef) })) }))),
  envFrom: opt(z.array(z.object({ prefix: opt(z.string()), configMapRef: opt(SourceRef), secretRef: opt(SourceRef) }))),
  ports: opt(z.array(z.object({
    name: opt(z.string()), containerPort: z.int(), hostPort: opt(z.int()), hostIP: opt(z.string()), protocol: opt(z.enum(['TCP', 'UDP'])),
  }))),
  volumeMounts: opt(z.array(z.object({ name: label, mountPath: z.string(), readOnly: opt(z.boolean()) }))),
  resources: opt(z.object({ limits: opt(z.record(z.string(), quantity)), requests: opt(z.record(z.string(), quantity)) })),
  securityContext: opt(SecurityContext),
  livenessProbe: opt(Probe),
  imagePullPolicy: opt(z.string()),
});
export type KubeContainer = z.infer<typeof ContainerSchema>;

const VolumeSchema = z.object({
  name: label,
  hostPath: opt(z.object({ path: z.string(), type: opt(z.string()) })),
  persistentVolumeClaim: opt(z.object({ claimName: name, readOnly: opt(z.boolean()) })),
  configMap: opt(z.object({ name, items: KeyPaths, optional: opt(z.boolean()) })),
  secret: opt(z.object({ secretName: name, items: KeyPaths, optional: opt(z.boolean()) })),
  emptyDir: opt(z.object({ medium: opt(z.string()), sizeLimit: opt(quantity) })),
});
export type KubeVolume = z.infer<typeof VolumeSchema>;

export const PodSpecSchema = z.object({
  containers: z.array(ContainerSchema).check(z.minLength(1)),
  volumes: opt(z.array(VolumeSchema)),
  restartPolicy: opt(z.enum(['Always', 'OnFailure', 'Never'])),
  hostname: opt(label),
  hostNetwork: opt(z.boolean()),
  shareProcessNamespace: opt(z.boolean()),
  securityContext: opt(z.object({ runAsUser: opt(z.int()), runAsGroup: opt(z.int()), seccompProfile: opt(Seccomp) })),
});
export type PodSpec = z.infer<typeof PodSpecSchema>;

export const KINDS = {
  Pod: z.object({ apiVersion: z.literal('v1'), kind: z.literal('Pod'), metadata: Metadata, spec: PodSpecSchema }),
  Deployment: z.object({
    apiVersion: z.literal('apps/v1'), kind: z.literal('Deployment'), metadata: Metadata,
    spec: z.object({
      replicas: opt(z.int().check(z.nonnegative())),
      // Kubernetes needs them; here each replica is a pod of its own, so they select nothing.
      selector: opt(z.unknown()), strategy: opt(z.unknown()),
      template: z.object({ metadata: opt(z.object({ labels: opt(strings), annotations: opt(strings) })), spec: PodSpecSchema }),
    }),
  }),
  ConfigMap: z.object({ apiVersion: z.literal('v1'), kind: z.literal('ConfigMap'), metadata: Metadata, data: opt(strings), binaryData: opt(strings) }),
  Secret: z.object({ apiVersion: z.literal('v1'), kind: z.literal('Secret'), metadata: Metadata, type: opt(z.string()), data: opt(strings), stringData: opt(strings) }),
  // Size and access modes mean nothing to a local named volume.
  PersistentVolumeClaim: z.object({ apiVersion: z.literal('v1'), kind: z.literal('PersistentVolumeClaim'), metadata: Metadata, spec: opt(z.unknown()) }),
  // Ports come from the containers' hostPort: a Service is accepted and has nothing left to do.
  Service: z.object({ apiVersion: z.literal('v1'), kind: z.literal('Service'), metadata: Metadata, spec: opt(z.unknown()) }),
} as const;
export type Kind = keyof typeof KINDS;
export type KubeObject<K extends Kind = Kind> = z.infer<(typeof KINDS)[K]>;

type Def = { type: string; shape?: Record<string, { _zod: { def: Def } }>; innerType?: { _zod: { def: Def } }; element?: { _zod: { def: Def } } };

/** The fields of `value` the schema does not name, as paths ("spec.containers[0].readinessProbe"). */
export function unknownFields(schema: z.ZodMiniType, value: unknown, path = ''): string[] {
  const def = (schema as unknown as { _zod: { def: Def } })._zod.def;
  if (def.type === 'optional' && def.innerType) return value === undefined ? [] : unknownFields(def.innerType as unknown as z.ZodMiniType, value, path);
  if (def.type === 'array' && def.element && Array.isArray(value)) return value.flatMap((v, i) => unknownFields(def.element as unknown as z.ZodMiniType, v, `${path}[${i}]`));
  if (def.type !== 'object' || !def.shape || typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) => {
    const field = def.shape![k];
    const p = path ? `${path}.${k}` : k;
    return field ? unknownFields(field as unknown as z.ZodMiniType, v, p) : [p];
  });
}
