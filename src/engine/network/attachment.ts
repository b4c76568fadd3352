// A container's attachment to a network: what was asked of the CNI plugins
// and what they returned, kept so that DEL gets exactly what ADD got.
import { readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as v from 'valibot';
import { dirEntries } from '../../common/dir.ts';
import { pidAlive } from '../../common/process.ts';
import { errnoCode } from '../../common/errors.ts';
import { check, int, looseObject, object } from '../../common/schema.ts';
import type { StorePaths } from '../paths.ts';
import { attachmentFile, networkPaths } from './paths.ts';

const PortSchema = object({ hostIp: v.string(), hostPort: int(), containerPort: int(), protocol: v.picklist(['tcp', 'udp']) });
const EntrySchema = object({ ip: v.string(), names: v.array(v.string()) });

export const AttachmentSchema = object({
  id: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)),
  name: v.string(),
  hostname: v.string(),
  /** --network-alias: more names its peers know it by. */
  aliases: v.optional(v.array(v.string())),
  /** --ip: the address asked of host-local, with the subnet's prefix ("10.90.0.5/24"). */
  requestedIp: v.optional(v.string()),
  network: v.string(),
  networkId: v.string(),
  /** Containers on a user network find each other by name in /etc/hosts; on the default network they do not (as in Docker). */
  resolveNames: v.boolean(),
  netns: v.string(),
  ifname: v.string(),
  chain: v.array(looseObject({ type: v.string() })),
  ports: v.array(PortSchema),
  extraHosts: v.array(EntrySchema),
  /** "PID STARTTIME" of the rocker that attached it: while it lives, the attachment is not stale. */
  owner: v.string(),
  ip: v.optional(v.string()),
  prefix: v.optional(int()),
  gateway: v.optional(v.string()),
  mac: v.optional(v.string()),
  result: v.optional(v.unknown()),
  /** Set when a pod holds the attachment: its run directory (hosts, resolv.conf), see attach.ts. */
  dir: v.optional(v.string()),
});
export type Attachment = v.InferOutput<typeof AttachmentSchema>;

/**
 * Replaces the record atomically (readers see old or new, never half) but
 * without fsync: it lives under the run root, which a reboot empties anyway,
 * and it is written up to four times on every start.
 */
export function writeAttachment(paths: StorePaths, a: Attachment): void {
  const file = attachmentFile(paths, a.id);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(a));
  renameSync(tmp, file);
}

/** Half-written records of rockers killed while writing them. */
export function removeStaleTemps(paths: StorePaths): void {
  const dir = networkPaths(paths).attachments;
  for (const f of dirEntries(dir)) {
    const m = /\.(\d+)\.tmp$/.exec(f);
    if (m && !pidAlive(Number(m[1]))) rmSync(join(dir, f), { force: true });
  }
}

export function readAttachment(paths: StorePaths, id: string): Attachment | undefined {
  let text: string;
  try {
    text = readFileSync(attachmentFile(paths, id), 'utf8');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return undefined;
    throw err;
  }
  return check(AttachmentSchema, JSON.parse(text));
}

/** Every readable attachment (files are written atomically, so a damaged one was damaged from outside and is skipped). */
export function listAttachments(paths: StorePaths): Attachment[] {
  let files: string[];
  try {
    files = readdirSync(networkPaths(paths).attachments).filter((f) => /^[0-9a-f]{64}\.json$/.test(f));
  } catch {
    return [];
  }
  const out: Attachment[] = [];
  for (const f of files) {
    try {
      const a = readAttachment(paths, f.slice(0, 64));
      if (a) out.push(a);
    } catch {
      // skipped
    }
  }
  return out;
}

/** "0.0.0.0:8080->80/tcp", as Docker's ps shows a mapping. */
export function describePort(p: Attachment['ports'][number]): string {
  return `${p.hostIp || '0.0.0.0'}:${p.hostPort}->${p.containerPort}/${p.protocol}`;
}

/** A container's `NetworkSettings` as Docker's inspect shows it, while it is attached. */
export function networkSettings(paths: StorePaths, id: string): object | undefined {
  const a = readAttachment(paths, id);
  if (!a) return undefined;
  const ports: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const p of a.ports) (ports[`${p.containerPort}/${p.protocol}`] ??= []).push({ HostIp: p.hostIp || '0.0.0.0', HostPort: String(p.hostPort) });
  const endpoint = { NetworkID: a.networkId, IPAddress: a.ip ?? '', IPPrefixLen: a.prefix ?? 0, Gateway: a.gateway ?? '', MacAddress: a.mac ?? '' };
  return { SandboxKey: a.netns, Ports: ports, IPAddress: endpoint.IPAddress, Gateway: endpoint.Gateway, MacAddress: endpoint.MacAddress, Networks: { [a.network]: endpoint } };
}

/** A running container's published ports as `ps` shows them ("0.0.0.0:8080->80/tcp"); none when it has no network of its own. */
export function publishedPorts(paths: StorePaths, id: string): string[] {
  try {
    return (readAttachment(paths, id)?.ports ?? []).map(describePort);
  } catch {
    return [];
  }
}
