// Which ocx images exist, which containers hold them, and what prune and
// remove-all may take. Pure functions over engine data, so they are unit-tested.
import type { ContainerInfo, ImageInfo } from '../engines/types.ts';
import { BASE_REPO } from './base.ts';

export interface OcxImage {
  id: string;
  /** The main tag ("localhost/ocx:1.2.3"); `tags` has all of them (with ":latest"). */
  ref: string;
  tags: string[];
  kind: 'base' | 'final';
  /** Final: its repository. Base: the Dockerfile it came from. Groups "the most recent of each". */
  group: string;
  created: Date;
  size: number;
  labels: Record<string, string>;
}

const repoOf = (tag: string) => tag.slice(0, tag.lastIndexOf(':'));

export function classify(images: ImageInfo[]): OcxImage[] {
  return images.filter((i) => i.tags.length > 0).map((i) => {
    const main = i.tags.find((t) => !t.endsWith(':latest')) ?? i.tags[0]!;
    const repo = repoOf(main);
    // Images from the original carry no labels: its bases were localhost/ocx-base[-<name>]:latest.
    const kind: OcxImage['kind'] = i.labels['ocx.kind'] === 'base' || i.labels['ocx.kind'] === 'final'
      ? (i.labels['ocx.kind'] as OcxImage['kind']) : repo === BASE_REPO || repo.startsWith(`${BASE_REPO}-`) ? 'base' : 'final';
    return {
      id: i.id, ref: main, tags: i.tags, kind, group: kind === 'base' ? i.labels['ocx.source'] ?? repo : repo,
      created: i.created, size: i.size, labels: i.labels,
    };
  }).sort((a, b) => a.kind.localeCompare(b.kind) || a.ref.localeCompare(b.ref));
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
export function prunePlan(images: OcxImage[], containers: ContainerInfo[], current: string[]): Decision[] {
  const held = holders(containers);
  const newest = new Map<string, OcxImage>();
  for (const img of images) {
    const key = `${img.kind}:${img.group}`;
    const prev = newest.get(key);
    if (!prev || img.created > prev.created) newest.set(key, img);
  }
  const keep = new Map<string, string>();
  for (const img of images) {
    const used = inUse(img, held);
    if (used) keep.set(img.id, used);
    else if (img.tags.some((t) => current.includes(t))) keep.set(img.id, 'used by the current config');
    else if (newest.get(`${img.kind}:${img.group}`) === img) keep.set(img.id, `newest ${img.kind} image of ${img.group}`);
  }
  for (const img of images) {
    const base = img.kind === 'final' && keep.has(img.id) ? img.labels['ocx.base'] : undefined;
    const b = base && images.find((x) => x.tags.includes(base));
    if (b && !keep.has(b.id)) keep.set(b.id, `base of kept ${img.ref}`);
  }
  return images.map((image) => {
    const why = keep.get(image.id);
    return why ? { image, remove: false, reason: why } : { image, remove: true, reason: 'older than the kept image of its group' };
  });
}
