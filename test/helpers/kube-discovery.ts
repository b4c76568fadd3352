// kubectl's client-side dry run still asks an API server which kinds exist
// (its REST mapping), with or without a cluster. This answers those
// discovery requests, and nothing else, so `kubectl create --dry-run=client`
// runs offline against it: the object is decoded, mapped and printed by
// kubectl itself. Schema validation would need the server's OpenAPI document,
// which no cluster here can give (--validate=false).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const resource = (name: string, kind: string) => ({ name, singularName: kind.toLowerCase(), namespaced: true, kind, verbs: ['create', 'get', 'list', 'delete'] });

const ANSWERS: Record<string, unknown> = {
  '/api': { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }] },
  '/apis': {
    kind: 'APIGroupList', apiVersion: 'v1',
    groups: [{ name: 'apps', versions: [{ groupVersion: 'apps/v1', version: 'v1' }], preferredVersion: { groupVersion: 'apps/v1', version: 'v1' } }],
  },
  '/api/v1': {
    kind: 'APIResourceList', groupVersion: 'v1',
    resources: [resource('pods', 'Pod'), resource('services', 'Service'), resource('configmaps', 'ConfigMap'), resource('secrets', 'Secret'), resource('persistentvolumeclaims', 'PersistentVolumeClaim')],
  },
  '/apis/apps/v1': { kind: 'APIResourceList', groupVersion: 'apps/v1', resources: [resource('deployments', 'Deployment')] },
};

/** `kubectl create --dry-run=client -o yaml -f FILE`, offline. Async: the server answers from this process's event loop. */
export async function kubectlDryRun(file: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const server = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    fetch(req) {
      const body = ANSWERS[new URL(req.url).pathname];
      return body ? Response.json(body) : new Response('not found', { status: 404 });
    },
  });
  const home = mkdtempSync(join(tmpdir(), 'kubectl-'));
  try {
    const args = ['--server', `http://127.0.0.1:${server.port}`, '--cache-dir', join(home, 'cache'), 'create', '--dry-run=client', '--validate=false', '-o', 'yaml', '-f', file];
    const p = Bun.spawn(['kubectl', ...args], { env: { ...process.env, HOME: home, KUBECONFIG: join(home, 'none') }, stdout: 'pipe', stderr: 'pipe' });
    const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
    return { code, stdout, stderr };
  } finally {
    server.stop(true);
    rmSync(home, { recursive: true, force: true });
  }
}
