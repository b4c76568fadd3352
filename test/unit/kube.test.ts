import { expect, test } from 'bun:test';
import type { ContainerRecord, RunOptions } from '../../src/engine/container-store/record.ts';
import { parseDocuments } from '../../src/engine/kube/documents.ts';
import { generatePod, kubeName } from '../../src/engine/kube/generate.ts';
import { byteQuantity, cpuQuantity, planPlay } from '../../src/engine/kube/play-plan.ts';
import { KINDS, unknownFields } from '../../src/engine/kube/schema.ts';

const pod = (spec: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n${spec}`;

test('unknown fields are listed by path, through arrays and optional objects', () => {
  const value = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', uid: 'x' }, spec: { containers: [{ name: 'a', image: 'b', readinessProbe: {} }, { name: 'c', image: 'd', resources: { claims: [] } }] } };
  expect(unknownFields(KINDS.Pod, value)).toEqual(['metadata.uid', 'spec.containers[0].readinessProbe', 'spec.containers[1].resources.claims']);
});

test('documents: unsupported kinds are warnings, malformed objects one-line errors naming document and field', () => {
  const { objects, warnings } = parseDocuments(`${pod('  containers: [{name: a, image: busybox}]\n')}---\nkind: Ingress\napiVersion: x\n---\n`, 'f.yaml');
  expect(objects.map((o) => o.kind)).toEqual(['Pod']);
  expect(warnings).toEqual(['f.yaml: document 2: kind Ingress is not supported: skipped']);
  expect(() => parseDocuments(pod('  containers: [{name: a, image: busybox, ports: [{containerPort: eighty}]}]\n'), 'f.yaml')).toThrow(
    /^f\.yaml: document 1: Pod p: spec\.containers\.0\.ports\.0\.containerPort: /,
  );
  expect(() => parseDocuments('kind: List\napiVersion: v1\nitems: []\n', 'f.yaml')).toThrow('f.yaml: document 1: kind List is not supported: give the objects as separate documents (---)');
  expect(() => parseDocuments('', 'f.yaml')).toThrow('f.yaml: no Kubernetes objects');
  expect(() => parseDocuments('a: [b\n', 'f.yaml')).toThrow(/^f\.yaml: document 1: /);
});

test('quantities: CPUs and bytes as Kubernetes writes them', () => {
  expect(cpuQuantity('500m', 'x')).toBe(0.5);
  expect(cpuQuantity(2, 'x')).toBe(2);
  expect(byteQuantity('64Mi', 'x')).toBe(64 * 1024 * 1024);
  expect(byteQuantity('1G', 'x')).toBe(1e9);
  expect(() => byteQuantity('lots', 'memory limit')).toThrow('invalid memory limit "lots": expected a size such as 256Mi or 1G');
});

test('play plan: command is the entrypoint, args follow; env and files from ConfigMaps and Secrets; replicas as pods', () => {
  const { objects } = parseDocuments(`apiVersion: v1
kind: ConfigMap
metadata: {name: cm}
data: {K: v}
---
apiVersion: v1
kind: Secret
metadata: {name: s}
data: {P: cHc=}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  replicas: 2
  template:
    spec:
      restartPolicy: Never
      volumes: [{name: conf, configMap: {name: cm}}, {name: mem, emptyDir: {medium: Memory}}]
      containers:
        - name: c
          image: busybox
          command: [sh, -c]
          args: [echo hi]
          env: [{name: A, valueFrom: {configMapKeyRef: {name: cm, key: K}}}, {name: B, valueFrom: {secretKeyRef: {name: s, key: P}}}]
          ports: [{containerPort: 80, hostPort: 8080}]
          resources: {limits: {memory: 64Mi, cpu: 250m}}
          volumeMounts: [{name: conf, mountPath: /etc/c}, {name: mem, mountPath: /m}]
`, 'f');
  const plan = planPlay(objects);
  expect(plan.pods.map((p) => [p.name, p.publish])).toEqual([['d-pod-0', ['8080:80/tcp']], ['d-pod-1', []]]);
  expect(plan.warnings).toEqual(['pod d-pod-1: hostPort left to the first replica']);
  const c = plan.pods[0]!.containers[0]!;
  expect(c).toMatchObject({ name: 'd-pod-0-c', image: 'busybox', command: ['-c', 'echo hi'] });
  expect(c.flags).toMatchObject({ entrypoint: 'sh', env: ['A=v', 'B=pw'], memory: String(64 * 1024 * 1024), cpus: '0.25', restart: 'no', pod: 'd-pod-0', volume: ['d-pod-0-conf:/etc/c:ro'], tmpfs: ['/m'] });
  expect(plan.volumes.map((v) => v.name)).toEqual(['d-pod-0-conf', 'd-pod-1-conf']);
  expect(new TextDecoder().decode(plan.volumes[0]!.files!.K)).toBe('v');
  expect(plan.deployments).toEqual(['d']);
});

test('generate: names made Kubernetes names; a record as a Pod with its command split into command and args', () => {
  expect(kubeName('My_App.v2')).toBe('my-app-v2');
  const options = { tty: false, interactive: false, detach: true, autoRemove: false, readOnly: false, env: ['A=1'], volumes: [], tmpfs: [], capAdd: [], capDrop: [], noNewPrivileges: false, network: 'bridge', resources: {} } as RunOptions;
  const rec = { id: 'a'.repeat(64), name: 'My_App', created: '', image: { name: 'busybox', tag: 'latest', digest: '', id: '' }, layers: [], command: ['sleep', '10'], process: { env: [], cwd: '/', uid: 0, gid: 0, additionalGids: [] }, hostname: 'h', runtime: 'runc', options } as ContainerRecord;
  const [p] = generatePod({ containers: [rec] }, true) as Array<{ metadata: { name: string }; spec: { restartPolicy: string; containers: Array<Record<string, unknown>> } }>;
  expect(p!.metadata.name).toBe('my-app-pod');
  expect(p!.spec.restartPolicy).toBe('Never');
  expect(p!.spec.containers[0]).toMatchObject({ name: 'my-app', image: 'busybox:latest', command: ['sleep'], args: ['10'], env: [{ name: 'A', value: '1' }], securityContext: { seccompProfile: { type: 'RuntimeDefault' } } });
  // No published port: no Service, even when asked.
  expect(generatePod({ containers: [rec] }, true).length).toBe(1);
});
