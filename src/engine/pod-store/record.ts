// A pod's record: what `pod create` (or `kube play`) asked for. Its running
// state (the namespaces it holds) lives under the run root, see namespaces.ts.
import { readFileSync } from 'node:fs';
import * as v from 'valibot';
import { check, int, object, record } from '../../common/schema.ts';

/** The namespaces a pod's containers share: net, ipc and uts always (the pod's reason to be), pid on request. */
export const SHAREABLE = ['net', 'ipc', 'uts', 'pid'] as const;
export type Shared = (typeof SHAREABLE)[number];

export const PodRecordSchema = object({
  id: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)),
  name: v.pipe(v.string(), v.minLength(1)),
  created: v.string(),
  hostname: v.string(),
  share: v.array(v.picklist(SHAREABLE)),
  /** none, host, or a bridge network's name, as `run --network`. */
  network: v.string(),
  publish: v.array(object({ hostIp: v.string(), hostPort: int(), containerPort: int(), protocol: v.picklist(['tcp', 'udp']) })),
  labels: record(v.string(), v.string()),
  addHosts: v.optional(v.array(v.string())),
  dns: v.optional(v.array(v.string())),
});
export type PodRecord = v.InferOutput<typeof PodRecordSchema>;

export function readPodFile(path: string): PodRecord {
  return check(PodRecordSchema, JSON.parse(readFileSync(path, 'utf8')));
}
