// A pod's record: what `pod create` (or `kube play`) asked for. Its running
// state (the namespaces it holds) lives under the run root, see namespaces.ts.
import { readFileSync } from 'node:fs';
import { check, z } from '../../common/schema.ts';

/** The namespaces a pod's containers share: net, ipc and uts always (the pod's reason to be), pid on request. */
export const SHAREABLE = ['net', 'ipc', 'uts', 'pid'] as const;
export type Shared = (typeof SHAREABLE)[number];

export const PodRecordSchema = z.object({
  id: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
  name: z.string().check(z.minLength(1)),
  created: z.string(),
  hostname: z.string(),
  share: z.array(z.enum(SHAREABLE)),
  /** none, host, or a bridge network's name, as `run --network`. */
  network: z.string(),
  publish: z.array(z.object({ hostIp: z.string(), hostPort: z.int(), containerPort: z.int(), protocol: z.enum(['tcp', 'udp']) })),
  labels: z.record(z.string(), z.string()),
  addHosts: z.optional(z.array(z.string())),
  dns: z.optional(z.array(z.string())),
});
export type PodRecord = z.infer<typeof PodRecordSchema>;

export function readPodFile(path: string): PodRecord {
  return check(PodRecordSchema, JSON.parse(readFileSync(path, 'utf8')));
}
