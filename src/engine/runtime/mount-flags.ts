// -v, --tmpfs and --mount: parsed and checked before anything is created.
import { statSync } from 'node:fs';
import { isAbsolute, normalize } from 'node:path';
import { describeFsError, UserError } from '../../common/errors.ts';
import { parseSize } from '../../common/format.ts';
import type { RunOptions } from '../container-store/record.ts';
import { VOLUME_NAME } from '../volume-store/name.ts';

type Volume = RunOptions['volumes'][number];
type Tmpfs = RunOptions['tmpfs'][number];

const bad = (msg: string) => new UserError(msg, 125);

function containerPath(path: string, what: string): string {
  if (!isAbsolute(path)) throw bad(`invalid ${what} "${path}": the container path must be absolute`);
  const p = normalize(path).replace(/\/+$/, '');
  if (p === '') throw bad(`invalid ${what} "${path}": cannot mount over the container's /`);
  return p;
}

function hostPath(source: string, what: string): string {
  try {
    statSync(source);
  } catch (err) {
    throw bad(`invalid ${what}: host path ${source}: ${describeFsError(err)}`);
  }
  return normalize(source).replace(/(.)\/+$/, '$1');
}

/** A bind mount of a host path (absolute) or a named volume (a name, as Docker tells them apart). */
function source(text: string, what: string): Pick<Volume, 'source' | 'volume'> {
  if (isAbsolute(text)) return { source: hostPath(text, what) };
  if (VOLUME_NAME.test(text)) return { source: '', volume: text };
  throw bad(`invalid ${what}: "${text}" is neither an absolute host path nor a volume name (2 to 128 letters, digits, "_", "." and "-")`);
}

/** `-v HOST:CONTAINER[:ro]` or `-v NAME:CONTAINER[:ro]`. */
function volume(spec: string): Volume {
  const what = `volume "${spec}"`;
  const parts = spec.split(':');
  // `-v /path`: an anonymous volume, named at create; `rm -v` (and --rm) remove it with the container.
  if (parts.length === 1) return { source: '', volume: '', anonymous: true, destination: containerPath(spec, `${what}:`), readOnly: false };
  if (parts.length > 3) throw bad(`invalid ${what}: expected HOST:CONTAINER[:ro], NAME:CONTAINER[:ro] or CONTAINER`);
  const [src = '', dest = '', mode = 'rw'] = parts;
  if (mode !== 'ro' && mode !== 'rw') throw bad(`invalid ${what}: mode "${mode}" is not ro or rw`);
  return { ...source(src, what), destination: containerPath(dest, `${what}:`), readOnly: mode === 'ro' };
}

const TMPFS_OPTION = /^(size=\d+[kmg%]?|mode=[0-7]{3,4}|uid=\d+|gid=\d+|nr_inodes=\d+[kmg]?|ro|rw|noexec|exec|nosuid|suid|nodev|dev)$/;

function tmpfs(spec: string): Tmpfs {
  const colon = spec.indexOf(':');
  const path = colon < 0 ? spec : spec.slice(0, colon);
  const options = colon < 0 ? [] : spec.slice(colon + 1).split(',').filter(Boolean);
  for (const o of options) if (!TMPFS_OPTION.test(o)) throw bad(`invalid --tmpfs "${spec}": unknown option "${o}"`);
  return { destination: containerPath(path, '--tmpfs'), options };
}

/** A boolean key of --mount: `readonly`, `readonly=true`, `readonly=0`... */
function flag(value: string | undefined, key: string, what: string): boolean {
  if (value === undefined || /^(1|true)$/i.test(value)) return true;
  if (/^(0|false)$/i.test(value)) return false;
  throw bad(`invalid ${what}: ${key}=${value} is not true or false`);
}

const MOUNT_KEYS: Record<string, string[]> = {
  bind: ['type', 'source', 'src', 'target', 'destination', 'dst', 'readonly', 'ro', 'bind-propagation'],
  volume: ['type', 'source', 'src', 'target', 'destination', 'dst', 'readonly', 'ro', 'volume-nocopy'],
  tmpfs: ['type', 'target', 'destination', 'dst', 'tmpfs-size', 'tmpfs-mode'],
};

/** `--mount type=bind|volume|tmpfs,source=...,target=...[,readonly]`: Docker's keys. */
function mount(spec: string): { volume?: Volume; tmpfs?: Tmpfs } {
  const what = `--mount "${spec}"`;
  const kv = new Map<string, string | undefined>();
  for (const field of spec.split(',')) {
    const eq = field.indexOf('=');
    const key = (eq < 0 ? field : field.slice(0, eq)).trim().toLowerCase();
    if (key === '') throw bad(`invalid ${what}: an empty field`);
    if (kv.has(key)) throw bad(`invalid ${what}: ${key} is given twice`);
    kv.set(key, eq < 0 ? undefined : field.slice(eq + 1));
  }
  const type = kv.get('type') ?? 'volume';
  const keys = MOUNT_KEYS[type];
  if (!keys) throw bad(`invalid ${what}: type "${type}" is not bind, volume or tmpfs`);
  for (const k of kv.keys()) if (!keys.includes(k)) throw bad(`invalid ${what}: unknown key "${k}" for type ${type}`);
  const target = kv.get('target') ?? kv.get('destination') ?? kv.get('dst');
  if (!target) throw bad(`invalid ${what}: target is missing`);
  const destination = containerPath(target, `${what}: target`);
  if (type === 'tmpfs') {
    const options: string[] = [];
    const size = kv.get('tmpfs-size');
    if (size !== undefined) {
      const n = parseSize(size);
      if (n === undefined) throw bad(`invalid ${what}: tmpfs-size "${size}" is not a size`);
      options.push(`size=${n}`);
    }
    const mode = kv.get('tmpfs-mode');
    if (mode !== undefined) {
      if (!/^[0-7]{3,4}$/.test(mode)) throw bad(`invalid ${what}: tmpfs-mode "${mode}" is not an octal mode`);
      options.push(`mode=${mode}`);
    }
    return { tmpfs: { destination, options } };
  }
  const src = kv.get('source') ?? kv.get('src');
  const readOnly = kv.has('readonly') ? flag(kv.get('readonly'), 'readonly', what) : kv.has('ro') ? flag(kv.get('ro'), 'ro', what) : false;
  if (!src && type === 'volume') return { volume: { source: '', volume: '', anonymous: true, destination, readOnly } };
  if (!src) throw bad(`invalid ${what}: source is missing`);
  const from = source(src, what);
  if (type === 'bind' && from.volume) throw bad(`invalid ${what}: a bind mount's source must be an absolute host path`);
  if (type === 'volume' && !from.volume) throw bad(`invalid ${what}: a volume's source must be a volume name (use type=bind for a host path)`);
  const noCopy = kv.has('volume-nocopy') ? flag(kv.get('volume-nocopy'), 'volume-nocopy', what) : undefined;
  return { volume: { ...from, destination, readOnly, ...(noCopy ? { noCopy } : {}) } };
}

/** The mounts of all three flags; a destination given twice is refused, as Docker does. */
export function mountOptions(volumes: string[], tmpfsSpecs: string[], mounts: string[]): Pick<RunOptions, 'volumes' | 'tmpfs'> {
  const out = { volumes: volumes.map(volume), tmpfs: tmpfsSpecs.map(tmpfs) };
  for (const m of mounts.map(mount)) {
    if (m.volume) out.volumes.push(m.volume);
    if (m.tmpfs) out.tmpfs.push(m.tmpfs);
  }
  const seen = new Set<string>();
  for (const d of [...out.volumes, ...out.tmpfs].map((m) => m.destination)) {
    if (seen.has(d)) throw bad(`duplicate mount point: ${d}`);
    seen.add(d);
  }
  return out;
}
