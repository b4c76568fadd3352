// Prune's issue-9 rules as pure functions: superseded images go unless a
// container holds them, pinned projects keep their version, and a final keeps
// its base by image id even when the base's tag has moved on.
import { expect, test } from 'bun:test';
import type { ContainerInfo, ImageInfo } from '../../src/ocx/engines/types.ts';
import { classify, prunePlan } from '../../src/ocx/images/inventory.ts';

const img = (id: string, tags: string[], days: number, labels: Record<string, string>): ImageInfo =>
  ({ id, tags, created: new Date(Date.now() - days * 86400_000), size: 100, labels });
const held = (imageId: string): ContainerInfo =>
  ({ id: 'c', name: 'holder', imageId, image: '', state: 'exited', running: false, status: '', ports: '', labels: {} });

const images = classify([
  img('base-old-000000', [], 5, { 'ocx.kind': 'base', 'ocx.hash': 'h1', 'ocx.source': 'default' }),
  img('base-new-000000', ['localhost/ocx-base:h1'], 1, { 'ocx.kind': 'base', 'ocx.hash': 'h1', 'ocx.source': 'default' }),
  img('final-sup-00000', [], 4, { 'ocx.kind': 'final', 'ocx.repo': 'localhost/ocx', 'ocx.opencode.version': '1.2.0' }),
  img('final-held-0000', [], 4, { 'ocx.kind': 'final', 'ocx.repo': 'localhost/ocx', 'ocx.opencode.version': '1.1.0' }),
  img('final-new-00000', ['localhost/ocx:1.2.0', 'localhost/ocx:latest'], 0, { 'ocx.kind': 'final', 'ocx.base': 'localhost/ocx-base:h1', 'ocx.base.id': 'base-new-000000' }),
  img('final-pin-00000', ['localhost/ocx:1.0.0'], 9, { 'ocx.kind': 'final', 'ocx.base': 'localhost/ocx-base:h1', 'ocx.base.id': 'base-old-000000' }),
]);

test('superseded images are named after the tag they had, and go by their short id', () => {
  const sup = images.filter((i) => i.superseded).map((i) => `${i.ref} ${i.name}`).sort();
  expect(sup).toEqual(['base-old-000 localhost/ocx-base:h1', 'final-held-0 localhost/ocx:1.1.0', 'final-sup-00 localhost/ocx:1.2.0']);
});

test('prune: superseded go unless held; a pinned project keeps its version and, by id, its base', () => {
  const plan = prunePlan(images, [held('final-held-0000')], [], [{ dir: '/p/b', final: 'localhost/ocx:1.0.0' }]);
  const why = Object.fromEntries(plan.map((d) => [d.image.id, d.remove ? `REMOVE: ${d.reason}` : d.reason]));
  expect(why).toEqual({
    'final-sup-00000': 'REMOVE: superseded by a newer build',
    'final-held-0000': 'used by container holder (stopped)',
    'final-pin-00000': 'pinned by project /p/b',
    'final-new-00000': 'newest final image of localhost/ocx',
    'base-new-000000': 'newest base image of default',
    // Untagged, yet the pinned final is built on it: removing it would free nothing.
    'base-old-000000': 'base of kept localhost/ocx:1.0.0',
  });
});
