import { afterEach, describe, expect, test } from 'bun:test';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../src/common/errors.ts';
import { ContentStore } from '../../src/engine/content/store.ts';

// /var/tmp rather than tmpfs /tmp: adopt() renames, so the source must share the store's file system.
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function fresh(): { root: string; store: ContentStore; blobs: string } {
  const root = mkdtempSync('/var/tmp/rocker-content-');
  dirs.push(root);
  return { root, store: new ContentStore(root), blobs: join(root, 'blobs', 'sha256') };
}

const digestOf = (b: Uint8Array | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

describe('put / get / has / size', () => {
  test('put stores bytes under their sha256 and returns that digest', () => {
    const { store, blobs } = fresh();
    const bytes = Buffer.from('hello blob');
    const d = store.put(bytes);
    expect(d).toBe(digestOf(bytes));
    expect(readFileSync(join(blobs, d.slice(7)))).toEqual(bytes);
    expect(store.get(d)).toEqual(bytes);
    expect(store.has(d)).toBe(true);
    expect(store.size(d)).toBe(bytes.length);
  });

  test('put is idempotent: same digest, one file, no temp leftovers', () => {
    const { store, blobs } = fresh();
    const a = store.put(Buffer.from('same'));
    const b = store.put(Buffer.from('same'));
    expect(b).toBe(a);
    expect(readdirSync(blobs)).toEqual([a.slice(7)]);
  });

  test('put with a matching expected digest succeeds', () => {
    const { store } = fresh();
    const bytes = Buffer.from('checked');
    expect(store.put(bytes, digestOf(bytes))).toBe(digestOf(bytes));
  });

  test('put with a mismatching expected digest throws a UserError and writes nothing', () => {
    const { store, blobs } = fresh();
    const wrong = digestOf('something else');
    const err = thrown(() => store.put(Buffer.from('actual'), wrong));
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/digest mismatch/);
    expect(store.has(digestOf('actual'))).toBe(false);
    expect(store.has(wrong)).toBe(false);
    expect(existsSync(blobs) ? readdirSync(blobs) : []).toEqual([]);
  });

  test('absent blobs: get is undefined, has is false, size is 0', () => {
    const { store } = fresh();
    const d = digestOf('never stored');
    expect(store.get(d)).toBeUndefined();
    expect(store.has(d)).toBe(false);
    expect(store.size(d)).toBe(0);
  });
});

describe('path', () => {
  test('maps a digest to blobs/sha256/<hex>', () => {
    const { store, blobs } = fresh();
    const d = digestOf('x');
    expect(store.path(d)).toBe(join(blobs, d.slice(7)));
  });

  // The digest often comes from a manifest or an archive: it must never steer a path out of the store.
  test.each(['sha256:../x', 'sha256:../../etc/passwd', `sha512:${'a'.repeat(64)}`, `sha256:${'A'.repeat(64)}`, `sha256:${'a'.repeat(63)}`, 'a'.repeat(64), ''])(
    'rejects malformed digest %p with a UserError',
    (bad) => {
      const { store } = fresh();
      expect(thrown(() => store.path(bad))).toBeInstanceOf(UserError);
      // Every accessor goes through path(), so none can be steered either.
      expect(thrown(() => store.has(bad))).toBeInstanceOf(UserError);
      expect(thrown(() => store.get(bad))).toBeInstanceOf(UserError);
      expect(thrown(() => store.remove(bad))).toBeInstanceOf(UserError);
    },
  );
});

describe('adopt', () => {
  test('moves a file into the store under the given digest', () => {
    const { root, store } = fresh();
    const src = join(root, 'download');
    writeFileSync(src, 'downloaded bytes');
    const d = digestOf('downloaded bytes');
    store.adopt(src, d);
    expect(existsSync(src)).toBe(false);
    expect(store.get(d)?.toString()).toBe('downloaded bytes');
  });

  test('when the blob is already present, removes the file and keeps the stored one', () => {
    const { root, store } = fresh();
    const d = store.put(Buffer.from('first'));
    const src = join(root, 'again');
    writeFileSync(src, 'first');
    store.adopt(src, d);
    expect(existsSync(src)).toBe(false);
    expect(store.get(d)?.toString()).toBe('first');
    expect(store.list()).toEqual([d]);
  });

  test('rejects a malformed digest without touching the file', () => {
    const { root, store } = fresh();
    const src = join(root, 'f');
    writeFileSync(src, 'x');
    expect(thrown(() => store.adopt(src, 'sha256:../x'))).toBeInstanceOf(UserError);
    expect(existsSync(src)).toBe(true);
  });
});

describe('list / remove / collect', () => {
  test('list is empty before anything is stored', () => {
    expect(fresh().store.list()).toEqual([]);
  });

  test('list reports only digests, not stray files', () => {
    const { store, blobs } = fresh();
    const a = store.put(Buffer.from('a'));
    const b = store.put(Buffer.from('b'));
    writeFileSync(join(blobs, '.tmp-123-ab'), 'partial');
    writeFileSync(join(blobs, 'not-a-digest'), 'x');
    expect(store.list().sort()).toEqual([a, b].sort());
  });

  test('remove deletes one blob and tolerates an absent one', () => {
    const { store } = fresh();
    const a = store.put(Buffer.from('a'));
    const b = store.put(Buffer.from('b'));
    store.remove(a);
    expect(store.has(a)).toBe(false);
    expect(store.has(b)).toBe(true);
    expect(() => store.remove(a)).not.toThrow();
  });

  test('collect keeps the kept blobs and removes the rest, leftovers of killed writers included', () => {
    const { store, blobs } = fresh();
    const keep = store.put(Buffer.from('keep me'));
    const drop = store.put(Buffer.from('drop me'));
    // What writeFileAtomic leaves behind when its process is killed mid-write.
    writeFileSync(join(blobs, '.tmp-123-ab'), 'half a blob');
    writeFileSync(join(blobs, 'garbage'), 'x');
    store.collect(new Set([keep]));
    expect(readdirSync(blobs)).toEqual([keep.slice(7)]);
    expect(store.has(drop)).toBe(false);
    expect(store.get(keep)?.toString()).toBe('keep me');
  });

  test('collect with an empty keep set empties the store; on a missing directory it does nothing', () => {
    const { store, blobs } = fresh();
    expect(() => store.collect(new Set())).not.toThrow();
    store.put(Buffer.from('a'));
    store.collect(new Set());
    expect(readdirSync(blobs)).toEqual([]);
  });

  test('a kept digest that is not stored is harmless', () => {
    const { store, blobs } = fresh();
    mkdirSync(blobs, { recursive: true });
    store.collect(new Set([digestOf('ghost')]));
    expect(store.list()).toEqual([]);
  });
});
