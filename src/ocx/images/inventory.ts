// Which ocx images exist, which containers hold them, and what prune and
// remove-all may take. Pure functions over engine data, so they are unit-tested.
import type { ContainerInfo, ImageInfo } from '../engines/types.ts';
import { compareVersions } from '../opencode/version.ts';
import { BASE_REPO } from './base.ts';

export interface OcxImage {
  id: string;
  /** The main tag ("localhost/ocx:1.2.3"); `tags` has all of them (with ":latest"). A superseded image: its short id. */
  ref: string;
  tags: string[];
  /** Untagged by a newer build of the same tag: `name` is the tag it had, from its labels. */
  superseded: boolean;
  /** What users see: a custom base's readable tag, a superseded image's former tag, else `ref`. */
  name: string;
  kind: 'base' | 'final';
  /** Final: its repository. Base: the Dockerfile it came from. Groups "the most recent of each". */
  group: string;
  created: Date;
  size: number;
  labels: Record<string, string>;
}

const repoOf = (tag: string) => tag.slice(0, tag.lastIndexOf(':'));

/**
 * One entry per image and repository: identical builds for two projects share
 * an image id, but each project's tags are its own to list and to prune. A
 * base ocx built is one entry whatever its names: `localhost/ocx-base:<hash>`
 * plus a readable `localhost/ocx-base-<name>:<hash>` per project sharing it:
 * `ref` is the hash tag finals refer to, `name` the readable one.
 */
export function classify(images: ImageInfo[]): OcxImage[] {
  const out: OcxImage[] = [];
  for (const i of images) {
    if (i.tags.length === 0) {
      const s = supersededEntry(i);
      if (s) out.push(s);
      continue;
    }
    const byRepo = new Map<string, string[]>();
    const ourBase = i.labels['ocx.kind'] === 'base';
    const key = (t: string) => (ourBase ? BASE_REPO : repoOf(t));
    for (const t of i.tags) byRepo.set(key(t), [...(byRepo.get(key(t)) ?? []), t]);
    for (const [repo, tags] of byRepo) {
      const main = (ourBase && tags.find((t) => repoOf(t) === BASE_REPO)) || tags.find((t) => !t.endsWith(':latest')) || tags[0]!;
      const readable = (ourBase && tags.find((t) => repoOf(t) !== BASE_REPO)) || main;
      // Images from the original carry no labels: its bases were localhost/ocx-base[-<name>]:latest.
      const labelled = i.labels['ocx.kind'];
      const kind: OcxImage['kind'] = labelled === 'base' || labelled === 'final'
        ? labelled : repo === BASE_REPO || repo.startsWith(`${BASE_REPO}-`) ? 'base' : 'final';
      out.push({
        id: i.id, ref: main, tags, superseded: false, name: readable, kind, group: kind === 'base' ? i.labels['ocx.source'] ?? repo : repo,
        created: i.created, size: i.size, labels: i.labels,
      });
    }
  }
  return out.sort((a, b) => a.kind.localeCompare(b.kind) || a.ref.localeCompare(b.ref));
}

/** An untagged image ocx built, named after the tag it had (older builds lack `ocx.repo`). */
function supersededEntry(i: ImageInfo): OcxImage | undefined {
  const kind = i.labels['ocx.kind'];
  if (kind !== 'base' && kind !== 'final') return undefined;
  const name = kind === 'base'
    ? `${BASE_REPO}:${i.labels['ocx.hash'] ?? '?'}`
    : `${i.labels['ocx.repo'] ?? 'localhost/ocx'}:${i.labels['ocx.opencode.version'] ?? '?'}`;
  return {
    id: i.id, ref: i.id.slice(0, 12), tags: [], superseded: true, name, kind,
    group: kind === 'base' ? i.labels['ocx.source'] ?? BASE_REPO : i.labels['ocx.repo'] ?? 'localhost/ocx',
    created: i.created, size: i.size, labels: i.labels,
  };
}

const tagOf = (ref: string) => ref.slice(ref.lastIndexOf(':') + 1);

/** Final images: the higher OpenCode version is the newer; bases (hash tags) by build time. */
function newer(a: OcxImage, b: OcxImage): boolean {
  if (a.kind === 'final') {
    const c = compareVersions(tagOf(a.ref), tagOf(b.ref));
    if (c !== 0) return c > 0;
  }
  return a.created > b.created;
}

export interface Decision {
  image: OcxImage;
  remove: boolean;
  reason: string;
}

function holders(containers: ContainerInfo[]): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const c of containers) m.set(c.imageId, [...(m.get(c.imageId) ?? []), `${c.name} (${c.running ? 'running' : 'stopped'})`]);
  return m;
}

/** The container rule, first for both prune and remove-all: an image in use is never removed. */
function inUse(img: OcxImage, held: Map<string, string[]>): string | undefined {
  const by = held.get(img.id);
  return by ? `used by container ${by.join(', ')}` : undefined;
}

export function removeAllPlan(images: OcxImage[], containers: ContainerInfo[]): Decision[] {
  const held = holders(containers);
  return images.map((image) => {
    const used = inUse(image, held);
    return used ? { image, remove: false, reason: used } : { image, remove: true, reason: 'ocx image' };
  });
}

/**
 * Keeps, per group, the newest image; the images the current config uses;
 * the bases of kept final images; anything a container uses. Removes the rest.
 */
/** A project that pins a version: its final image is kept wherever prune runs. */
export interface PinnedProject {
  dir: string;
  final: string;
}

export function prunePlan(images: OcxImage[], containers: ContainerInfo[], current: string[], pinned: PinnedProject[] = []): Decision[] {
  const held = holders(containers);
  const newest = new Map<string, OcxImage>();
  for (const img of images) {
    if (img.superseded) continue;
    const key = `${img.kind}:${img.group}`;
    const prev = newest.get(key);
    if (!prev || newer(img, prev)) newest.set(key, img);
  }
  const keep = new Map<string, string>();
  for (const img of images) {
    const used = inUse(img, held);
    const pin = pinned.find((x) => img.tags.includes(x.final));
    if (used) keep.set(img.ref, used);
    else if (img.superseded) continue;
    else if (img.tags.some((t) => current.includes(t))) keep.set(img.ref, 'used by the current config');
    else if (pin) keep.set(img.ref, `pinned by project ${pin.dir}`);
    else if (newest.get(`${img.kind}:${img.group}`) === img) keep.set(img.ref, `newest ${img.kind} image of ${img.group}`);
  }
  for (const img of images) {
    if (img.kind !== 'final' || !keep.has(img.ref)) continue;
    const { 'ocx.base.id': id, 'ocx.base': tag } = img.labels;
    // By id first: the base tag may have moved on to a rebuilt base.
    const b = (id && images.find((x) => x.id === id)) || (tag && images.find((x) => x.tags.includes(tag)));
    if (b && !keep.has(b.ref)) keep.set(b.ref, `base of kept ${img.ref}`);
  }
  return images.map((image) => {
    const why = keep.get(image.ref);
    if (why) return { image, remove: false, reason: why };
    return { image, remove: true, reason: image.superseded ? 'superseded by a newer build' : 'older than the kept image of its group' };
  });
}
