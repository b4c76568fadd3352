// kube generate / play / down: YAML that kubectl accepts, carrying every
// field; a round trip through it; Pods, Deployments, ConfigMaps, Secrets and
// claims played here; and down leaving nothing behind.
import { afterAll, expect, test } from 'bun:test';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { containerSuite } from '../helpers/container-suite.ts';
import { kubectlDryRun } from '../helpers/kube-discovery.ts';
import { rocker } from '../helpers/rocker.ts';
import { settlesTo } from '../helpers/poll.ts';

const { env, runRoot, leaks } = containerSuite();
const work = mkdtempSync(join(tmpdir(), 'rocker-kube-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const p = join(work, name);
  writeFileSync(p, text);
  return p;
};
const docs = (text: string) => parseAllDocuments(text).map((d) => d.toJS());
const list = (args: string[]) => rocker(args, env).stdout.split('\n').filter(Boolean);
/** The pods (by id) whose network attachment exists: made once per pod, gone with it. */
const attachedPods = (ids: string[]) => ids.filter((id) => existsSync(join(runRoot, 'net', 'attachments', `${id}.json`)));

const WEB_FLAGS = [
  '-p', '127.0.0.1:18941:8080', '-e', 'GREETING=hello', '-w', '/srv', '-u', '1000:1000', '-l', 'tier=front', '-m', '64m', '--cpus', '0.5', '--cpu-shares', '512',
  '--tmpfs', '/scratch', '--cap-drop', 'NET_RAW', '--cap-add', 'SYS_TIME', '--read-only', '--security-opt', 'no-new-privileges', '--restart', 'on-failure:3',
  '--health-cmd', 'wget -qO- localhost:8080/i.html || exit 1', '--health-interval', '5s',
];
const WEB_CMD = ['sh', '-c', 'echo "$GREETING from $(id -u) in $(pwd) $(cat /data/f) $(cat /vol/v)" > /scratch/i.html; exec httpd -f -p 8080 -h /scratch'];
const fetchWeb = () => Bun.spawnSync(['wget', '-qO-', 'http://127.0.0.1:18941/i.html']).stdout.toString();
const WEB_PAGE = 'hello from 1000 in /srv bind-data volume-data\n';

test('kube generate: a Pod carrying every field, and a Service with --service, both accepted by kubectl', async () => {
  mkdirSync(join(work, 'data'));
  writeFileSync(join(work, 'data', 'f'), 'bind-data');
  expect(rocker(['volume', 'create', 'webdata'], env).code).toBe(0);
  expect(rocker(['run', '--rm', '-v', 'webdata:/vol', 'busybox', 'sh', '-c', 'echo volume-data > /vol/v'], env).code).toBe(0);
  const run = rocker(['run', '-d', '--name', 'web', ...WEB_FLAGS, '-v', `${join(work, 'data')}:/data:ro`, '-v', 'webdata:/vol', 'busybox', ...WEB_CMD], env);
  expect(run.stderr).toBe('');
  expect(await settlesTo(fetchWeb, WEB_PAGE)).toBe(WEB_PAGE);
  const gen = rocker(['kube', 'generate', '--service', 'web'], env);
  expect(gen.code).toBe(0);
  const yamlFile = file('web.yaml', gen.stdout);
  const dry = await kubectlDryRun(yamlFile);
  expect(dry.code).toBe(0);
  const [pod, svc] = docs(gen.stdout);
  // kubectl decoded, mapped and printed both objects, with every field ours has.
  const rendered = docs(dry.stdout);
  expect(rendered.map((i: { kind: string }) => i.kind)).toEqual(['Pod', 'Service']);
  expect(rendered[0]).toMatchObject(pod);
  expect(rendered[1]).toMatchObject(svc);
  expect(pod.metadata).toEqual({ name: 'web-pod', labels: { app: 'web-pod', tier: 'front' } });
  expect(pod.spec.restartPolicy).toBe('OnFailure');
  const c = pod.spec.containers[0];
  expect(c).toMatchObject({
    name: 'web', image: 'busybox:latest', command: ['sh'], args: WEB_CMD.slice(1), env: [{ name: 'GREETING', value: 'hello' }], workingDir: '/srv',
    ports: [{ containerPort: 8080, hostPort: 18941, hostIP: '127.0.0.1', protocol: 'TCP' }],
    resources: { limits: { memory: '64Mi', cpu: '500m' }, requests: { cpu: '500m' } },
    securityContext: {
      capabilities: { add: ['SYS_TIME'], drop: ['NET_RAW'] }, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false,
      runAsUser: 1000, runAsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' },
    },
    livenessProbe: { exec: { command: ['/bin/sh', '-c', 'wget -qO- localhost:8080/i.html || exit 1'] }, periodSeconds: 5, failureThreshold: 3 },
  });
  const mounts = Object.fromEntries(c.volumeMounts.map((m: { name: string; mountPath: string }) => [m.mountPath, m]));
  const vols = Object.fromEntries(pod.spec.volumes.map((v: { name: string }) => [v.name, v]));
  expect(mounts['/data'].readOnly).toBe(true);
  expect(vols[mounts['/data'].name].hostPath).toEqual({ path: join(work, 'data'), type: 'Directory' });
  expect(vols[mounts['/vol'].name].persistentVolumeClaim).toEqual({ claimName: 'webdata' });
  expect(vols[mounts['/scratch'].name].emptyDir).toEqual({ medium: 'Memory' });
  expect(svc).toEqual({
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'web-pod', labels: { app: 'web-pod' } },
    spec: { type: 'NodePort', selector: { app: 'web-pod' }, ports: [{ name: '8080-tcp', port: 18941, targetPort: 8080, protocol: 'TCP' }] },
  });
});

test('round trip: the container removed, its YAML played, the same page served the same way; down removes it', async () => {
  const yamlFile = join(work, 'web.yaml');
  expect(rocker(['rm', '-f', 'web'], env).code).toBe(0);
  const play = rocker(['kube', 'play', yamlFile], env);
  expect(play.stderr).toBe('');
  expect(play.stdout).toMatch(/^Pod: web-pod\nContainer: [0-9a-f]{64}\n$/);
  expect(await settlesTo(fetchWeb, WEB_PAGE)).toBe(WEB_PAGE);
  const rec = JSON.parse(rocker(['inspect', 'web-pod-web'], env).stdout)[0];
  expect(rec.HostConfig).toMatchObject({ ReadOnlyRootfs: true, Memory: 64 * 1024 * 1024, NanoCpus: 5e8, CpuShares: 512, CapAdd: ['CAP_SYS_TIME'], CapDrop: ['CAP_NET_RAW'] });
  expect(rec.HostConfig.SecurityOpt).toContain('no-new-privileges');
  expect(rec.Config.Labels).toMatchObject({ tier: 'front' });
  // Generated again from the played pod: the same Pod.
  const again = docs(rocker(['kube', 'generate', 'web-pod'], env).stdout)[0];
  const first = docs(Bun.file(yamlFile).size ? await Bun.file(yamlFile).text() : '')[0];
  expect(again.spec.containers[0]).toEqual(first.spec.containers[0]);
  expect(rocker(['kube', 'play', yamlFile], env)).toMatchObject({ code: 1, stderr: 'rocker: pod web-pod already exists: take it down first (rocker kube down) or use --replace\n' });
  expect(rocker(['kube', 'play', '--replace', yamlFile], env).code).toBe(0);
  expect(rocker(['kube', 'down', yamlFile], env)).toEqual({ code: 0, stdout: 'Pod: web-pod\n', stderr: '' });
  expect(list(['ps', '-aq'])).toEqual([]);
  expect(list(['pod', 'ls', '-q'])).toEqual([]);
  // The claim named a volume that was there before play: it stays.
  expect(list(['volume', 'ls', '-q'])).toEqual(['webdata']);
  expect(rocker(['volume', 'rm', 'webdata'], env).code).toBe(0);
});

test('a played two-container Pod: the containers talk over localhost; a pod generates as one Pod', async () => {
  const yamlFile = file('duo.yaml', `apiVersion: v1
kind: Pod
metadata:
  name: duo
spec:
  shareProcessNamespace: true
  containers:
    - name: server
      image: busybox
      command: ["sh", "-c", "echo pong > /p; exec httpd -f -p 9000 -h /"]
    - name: client
      image: busybox
      args: ["sh", "-c", "while true; do wget -qO- http://localhost:9000/p > /tmp/got 2>/dev/null; sleep 0.2; done"]
`);
  expect(rocker(['kube', 'play', yamlFile], env).code).toBe(0);
  expect(await settlesTo(() => rocker(['exec', 'duo-client', 'cat', '/tmp/got'], env).stdout, 'pong\n')).toBe('pong\n');
  expect(rocker(['exec', 'duo-client', 'sh', '-c', 'ps -o args | grep -c "[h]ttpd -f -p 9000"'], env).stdout).toBe('1\n');
  const gen = rocker(['kube', 'generate', 'duo'], env).stdout;
  const [pod] = docs(gen);
  expect(pod.spec.shareProcessNamespace).toBe(true);
  expect(pod.spec.containers.map((c: { name: string }) => c.name)).toEqual(['server', 'client']);
  expect((await kubectlDryRun(file('duo-gen.yaml', gen))).code).toBe(0);
  expect(rocker(['kube', 'down', yamlFile], env).stdout).toBe('Pod: duo\n');
});

const APP = `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  MODE: fast
  app.conf: |
    color=blue
---
apiVersion: v1
kind: Secret
metadata:
  name: creds
type: Opaque
data:
  PASSWORD: czNjcjN0
stringData:
  token: plain-token
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: appdata
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 1Gi
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
  labels:
    app: app
spec:
  replicas: 2
  selector:
    matchLabels:
      app: app
  template:
    metadata:
      labels:
        app: app
    spec:
      containers:
        - name: main
          image: busybox
          command: ["sleep", "1000"]
          env:
            - name: MODE
              valueFrom:
                configMapKeyRef: { name: settings, key: MODE }
            - name: PASSWORD
              valueFrom:
                secretKeyRef: { name: creds, key: PASSWORD }
          envFrom:
            - prefix: S_
              secretRef: { name: creds }
          volumeMounts:
            - { name: conf, mountPath: /etc/app }
            - { name: secret, mountPath: /run/secret }
            - { name: data, mountPath: /data }
          readinessProbe:
            exec: { command: ["true"] }
      volumes:
        - name: conf
          configMap: { name: settings, items: [{ key: app.conf, path: app.conf }] }
        - name: secret
          secret: { secretName: creds }
        - name: data
          persistentVolumeClaim: { claimName: appdata }
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: ignored
`;

test('Deployment replicas as pods, ConfigMap and Secret as env and files, a claim as a named volume; down leaves nothing', async () => {
  const yamlFile = file('app.yaml', APP);
  const play = rocker(['kube', 'play', yamlFile], env);
  expect(play.code).toBe(0);
  expect(play.stderr).toBe(
    'rocker: warning: Deployment app: spec.template.spec.containers[0].readinessProbe is not supported: ignored\n' +
      `rocker: warning: ${yamlFile}: document 5: kind Ingress is not supported: skipped\n`,
  );
  expect(list(['pod', 'ls', '--format', 'json']).length).toBeGreaterThan(0);
  expect(list(['ps', '--format', '{{.Names}}']).sort()).toEqual(['app-pod-0-main', 'app-pod-1-main']);
  for (const c of ['app-pod-0-main', 'app-pod-1-main']) {
    const out = rocker(['exec', c, 'sh', '-c', 'echo $MODE $PASSWORD $S_PASSWORD $S_token; cat /etc/app/app.conf; ls /etc/app; cat /run/secret/PASSWORD /run/secret/token; echo; touch /etc/app/x 2>&1 | grep -c Read-only'], env);
    expect(out.stdout).toBe('fast s3cr3t s3cr3t plain-token\ncolor=blue\napp.conf\ns3cr3tplain-token\n1\n');
  }
  // The replicas share the claim's volume.
  expect(rocker(['exec', 'app-pod-0-main', 'sh', '-c', 'echo shared > /data/x'], env).code).toBe(0);
  expect(rocker(['exec', 'app-pod-1-main', 'cat', '/data/x'], env).stdout).toBe('shared\n');
  expect(list(['volume', 'ls', '-q']).sort()).toEqual(['app-pod-0-conf', 'app-pod-0-secret', 'app-pod-1-conf', 'app-pod-1-secret', 'appdata']);
  const podIds = list(['pod', 'ls', '-q', '--no-trunc']);
  expect(attachedPods(podIds).length).toBe(2);
  // Down from the YAML as edited since (one replica): the second replica and its volumes go too.
  const down = rocker(['kube', 'down', file('app1.yaml', APP.replace('replicas: 2', 'replicas: 1'))], env);
  expect(down.code).toBe(0);
  expect(down.stdout.split('\n').filter(Boolean).sort()).toEqual([
    'Pod: app-pod-0', 'Pod: app-pod-1', 'Volume: app-pod-0-conf', 'Volume: app-pod-0-secret', 'Volume: app-pod-1-conf', 'Volume: app-pod-1-secret', 'Volume: appdata',
  ]);
  expect(list(['ps', '-aq'])).toEqual([]);
  expect(list(['pod', 'ls', '-q'])).toEqual([]);
  expect(list(['volume', 'ls', '-q'])).toEqual([]);
  expect(attachedPods(podIds)).toEqual([]);
  expect(await leaks()).toMatchObject({ mounts: [], processes: [], cgroups: [] });
});

test('bad YAML is a one-line error naming the document, and a failed play leaves nothing behind', () => {
  const cases: [string, string][] = [
    ['apiVersion: v1\nkind: Pod\nmetadata:\n  name: Bad_Name\nspec:\n  containers: [{name: a, image: busybox}]\n', 'document 1: Pod Bad_Name: metadata.name: must be a lowercase RFC 1123 name'],
    ['apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers: []\n', 'document 1: Pod p: spec.containers: '],
    ['kind: Pod\n  bad: [indent\n', 'document 1: '],
    ['apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a, image: busybox, envFrom: [{configMapRef: {name: missing}}]}]\n', 'ConfigMap missing is not in the YAML: kube play takes ConfigMaps and Secrets from the same input'],
  ];
  for (const [text, message] of cases) {
    const r = rocker(['kube', 'play', '-'], { ...env }, { input: text });
    expect(r.code).toBe(1);
    expect(r.stderr).toStartWith(`rocker: ${message.startsWith('document') ? 'stdin: ' : ''}${message}`);
    expect(r.stderr.split('\n').length).toBe(2);
  }
  // The second container cannot start (no such image): the first pod, its container and the volume go again.
  const r = rocker(['kube', 'play', '-'], env, {
    input: `apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: tmpclaim}
---
apiVersion: v1
kind: Pod
metadata: {name: half}
spec:
  volumes: [{name: d, persistentVolumeClaim: {claimName: tmpclaim}}]
  containers:
    - {name: ok, image: busybox, command: [sleep, "100"], volumeMounts: [{name: d, mountPath: /d}]}
    - {name: broken, image: nosuchimage}
`,
  });
  expect(r.code).toBe(1);
  expect(r.stderr).toStartWith('rocker: pod half: container half-broken: ');
  expect(r.stderr.split('\n').length).toBe(2);
  expect(list(['ps', '-aq'])).toEqual([]);
  expect(list(['pod', 'ls', '-q'])).toEqual([]);
  expect(list(['volume', 'ls', '-q'])).toEqual([]);
});
