import { spawn } from 'node:child_process';
import { linkSync, mkdirSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { UserError } from '../../../common/errors.ts';
import type { ImageStore } from '../store.ts';
import { formatRef, parseRemoteRef } from '../../reference.ts';
import { MT } from '../../oci/schemas.ts';
import type { ImageRecord } from '../record.ts';
import { exportImage, type ExportedImage } from './export-image.ts';

/** Docker Hub's full form of a familiar name, as containerd's image-name annotation spells it. */
function fullName(name: string, tag: string): string {
  const r = parseRemoteRef(`${name}:${tag}`);
  return `${r.domain}/${r.path}:${r.tag}`;
}

/**
 * `rocker save`: one tar that is both an OCI image layout (oci-layout,
 * index.json, blobs/) and a `docker save` archive (manifest.json naming the
 * same blobs), the format Docker itself writes since 25, so `docker load`,
 * `podman load` and OCI tools read it. Layers are the compressed blobs
 * (docker and podman load decompress them).
 */
export async function saveImages(images: ImageStore, texts: string[], out: Writable): Promise<ExportedImage[]> {
  if (texts.length === 0) throw new UserError('save needs at least one image');
  // Several names may pick the same image: one entry per image, all its requested tags on it.
  const byId = new Map<string, { tags: string[]; exported?: ExportedImage; record: ImageRecord }>();
  for (const t of texts) {
    for (const rec of images.resolveAll(t)) {
      const entry = byId.get(rec.digest) ?? { tags: [], record: rec };
      const tag = formatRef(rec);
      if (!entry.tags.includes(tag)) entry.tags.push(tag);
      byId.set(rec.digest, entry);
    }
  }
  const stage = images.layers.staging('save');
  try {
    const blobs = join(stage, 'blobs', 'sha256');
    mkdirSync(blobs, { recursive: true });
    const put = (digest: string, from: { path?: string; bytes?: Buffer }) => {
      const target = join(blobs, digest.slice(7));
      try {
        if (from.bytes) writeFileSync(target, from.bytes, { flag: 'wx' });
        else {
          try {
            linkSync(from.path!, target);
          } catch (e) {
            if ((e as NodeJS.ErrnoException).code === 'EXDEV') copyFileSync(from.path!, target);
            else throw e;
          }
        }
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
    };
    const index: unknown[] = [];
    const manifest: unknown[] = [];
    const done: ExportedImage[] = [];
    for (const entry of byId.values()) {
      const ex = await exportImage(images, entry.record);
      done.push(ex);
      put(ex.configDigest, { bytes: ex.configBytes });
      put(ex.manifestDigest, { bytes: ex.manifestBytes });
      for (const l of ex.layers) put(l.digest, { path: l.path });
      for (const tag of entry.tags) {
        const [name, t] = [tag.slice(0, tag.lastIndexOf(':')), tag.slice(tag.lastIndexOf(':') + 1)];
        index.push({
          mediaType: ex.manifestMediaType,
          digest: ex.manifestDigest,
          size: ex.manifestBytes.length,
          annotations: { 'io.containerd.image.name': fullName(name, t), 'org.opencontainers.image.ref.name': t },
        });
      }
      manifest.push({
        Config: `blobs/sha256/${ex.configDigest.slice(7)}`,
        RepoTags: entry.tags,
        Layers: ex.layers.map((l) => `blobs/sha256/${l.digest.slice(7)}`),
      });
    }
    writeFileSync(join(stage, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    writeFileSync(join(stage, 'index.json'), JSON.stringify({ schemaVersion: 2, mediaType: MT.ociIndex, manifests: index }));
    writeFileSync(join(stage, 'manifest.json'), JSON.stringify(manifest));
    await writeTar(stage, ['oci-layout', 'index.json', 'manifest.json', 'blobs'], out);
    return done;
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

function writeTar(dir: string, members: string[], out: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const tar = spawn('tar', ['-C', dir, '--hard-dereference', '--numeric-owner', '--owner=0', '--group=0', '--sort=name', '-cf', '-', ...members], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    tar.stderr.on('data', (d: Buffer) => (err += d.toString()));
    tar.stdout.pipe(out, { end: false });
    out.on('error', (e) => {
      tar.kill();
      reject(new UserError(`cannot write the archive: ${e.message}`));
    });
    tar.on('error', (e) => reject(new UserError(`cannot run tar: ${e.message}`)));
    tar.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new UserError(`cannot write the archive: tar failed: ${err.trim().split('\n').pop()}`));
    });
  });
}
