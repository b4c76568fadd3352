import { createReadStream, existsSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import type { Readable } from 'node:stream';
import * as v from 'valibot';
import { UserError } from '../../../common/errors.ts';
import { issueText, looseObject } from '../../../common/schema.ts';
import type { ImageStore } from '../store.ts';
import { parseConfigBlob } from '../../oci/config-parse.ts';
import type { ImageRecord } from '../record.ts';
import { importVerified } from '../../layer-store/verified-import.ts';
import { parseRemoteRef } from '../../reference.ts';
import { parsePlatform, pickManifest } from '../../oci/platform.ts';
import { digestOf, indexSchema, manifestKind, manifestSchema, type Descriptor } from '../../oci/schemas.ts';
import { extractTar } from '../../tar/extract.ts';

const dockerManifestSchema = v.pipe(
  v.array(looseObject({ Config: v.pipe(v.string(), v.minLength(1)), RepoTags: v.nullish(v.array(v.string())), Layers: v.array(v.pipe(v.string(), v.minLength(1))) })),
  v.minLength(1),
);

interface Candidate {
  configBytes: Buffer;
  /** Each layer's file and, when the archive names one, the blob it must be. */
  layers: Array<{ path: string; blob?: { digest: string; size: number } }>;
  tags: string[];
  manifest?: { digest: string; bytes: Buffer };
}

export interface Loaded {
  images: ImageRecord[];
  untagged: string[];
}

/**
 * `rocker load`: a `docker save` archive (manifest.json, legacy or OCI
 * style) or an OCI image layout archive (index.json), plain or compressed.
 * The archive is unpacked with import's protections into staging; every
 * layer and config is checked against its digest before it is used.
 */
export async function loadImages(images: ImageStore, input: Readable, what: string): Promise<Loaded> {
  const stage = images.layers.staging('load');
  const root = join(stage, 'diff');
  const fail = (cause: string) => new UserError(`cannot load ${what}: ${cause}`);
  try {
    await extractTar(input, root, what).catch((e: Error) => {
      throw new UserError(e.message.replace(/^cannot import /, 'cannot load '));
    });
    // Members may be symlinks (legacy docker save links repeated layers): resolve inside the archive only.
    const inside = (rel: string): string => {
      const p = join(root, rel);
      let real: string;
      try {
        real = realpathSync(p);
      } catch {
        throw fail(`"${rel}" is missing from the archive`);
      }
      if (real !== realpathSync(root) && !real.startsWith(realpathSync(root) + sep)) throw fail(`"${rel}" points outside the archive`);
      if (!statSync(real).isFile()) throw fail(`"${rel}" is not a file`);
      return real;
    };
    const readJson = (rel: string): unknown => {
      try {
        return JSON.parse(readFileSync(inside(rel), 'utf8'));
      } catch (e) {
        if (e instanceof UserError) throw e;
        throw fail(`${rel} is not valid JSON`);
      }
    };
    let candidates: Candidate[];
    if (existsSync(join(root, 'manifest.json'))) {
      const parsed = v.safeParse(dockerManifestSchema, readJson('manifest.json'));
      if (!parsed.success) throw fail(`invalid manifest.json: ${issueText(parsed.issues)}`);
      candidates = parsed.output.map((m) => ({
        configBytes: readFileSync(inside(m.Config)),
        layers: m.Layers.map((l) => ({ path: inside(l) })),
        tags: m.RepoTags ?? [],
      }));
    } else if (existsSync(join(root, 'index.json'))) {
      candidates = ociCandidates(readJson('index.json'), inside, fail);
    } else {
      throw fail('neither a docker save archive (manifest.json) nor an OCI image layout (index.json)');
    }
    const out: Loaded = { images: [], untagged: [] };
    for (const c of candidates) {
      const config = parseConfigBlob(c.configBytes, `cannot load ${what}`);
      const diffIds = config.rootfs.diff_ids;
      if (diffIds.length !== c.layers.length) throw fail(`an image lists ${c.layers.length} layers but its config ${diffIds.length}`);
      for (const [i, l] of c.layers.entries()) {
        if (images.layers.has(diffIds[i]!)) {
          images.layers.pin(diffIds[i]!);
          continue;
        }
        await importVerified(images.layers, createReadStream(l.path, { highWaterMark: 1 << 20 }), {
          what: `cannot load ${what}: layer ${diffIds[i]!.slice(7, 19)}`,
          diffId: diffIds[i]!,
          blob: l.blob,
        });
      }
      const configDigest = digestOf(c.configBytes);
      const tags = c.tags.length ? c.tags : [`untagged:${configDigest.slice(7, 19)}`];
      if (!c.tags.length) out.untagged.push(configDigest);
      for (const t of tags) {
        const ref = parseRemoteRef(t);
        out.images.push(await images.commitConfig({
          name: ref.localName,
          tag: ref.tag,
          configBytes: c.configBytes,
          layers: diffIds,
          ...(c.manifest ? { manifestDigest: c.manifest.digest, manifestBytes: c.manifest.bytes } : {}),
        }));
      }
    }
    return out;
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

/** The images of an OCI layout's index.json: manifests, or nested indexes resolved to this machine's platform. */
function ociCandidates(json: unknown, inside: (rel: string) => string, fail: (c: string) => UserError): Candidate[] {
  const index = v.safeParse(indexSchema, json);
  if (!index.success) throw fail(`invalid index.json: ${issueText(index.issues)}`);
  const blob = (d: Descriptor): Buffer => {
    const bytes = readFileSync(inside(`blobs/sha256/${d.digest.slice(7)}`));
    if (bytes.length !== d.size || digestOf(bytes) !== d.digest) throw fail(`blob ${d.digest} does not match its digest or size`);
    return bytes;
  };
  const out: Candidate[] = [];
  for (const top of index.output.manifests) {
    let desc = top;
    let bytes = blob(desc);
    let doc: unknown = JSON.parse(bytes.toString('utf8'));
    if (manifestKind(doc, desc.mediaType) === 'index') {
      const nested = v.safeParse(indexSchema, doc);
      if (!nested.success) throw fail(`invalid nested index ${desc.digest}`);
      desc = pickManifest(nested.output.manifests, parsePlatform(undefined), fail('').message.replace(/: $/, ''));
      bytes = blob(desc);
      doc = JSON.parse(bytes.toString('utf8'));
    }
    const m = v.safeParse(manifestSchema, doc);
    if (!m.success) throw fail(`invalid manifest ${desc.digest}: ${issueText(m.issues)}`);
    const name = top.annotations?.['io.containerd.image.name'] ?? top.annotations?.['org.opencontainers.image.ref.name'];
    // ref.name alone ("latest") is only a tag: without a name the image stays untagged.
    const tag = name && /[/:]/.test(name.replace(/@.*/, '')) ? name : undefined;
    out.push({
      configBytes: blob(m.output.config),
      layers: m.output.layers.map((l) => ({ path: inside(`blobs/sha256/${l.digest.slice(7)}`), blob: { digest: l.digest, size: l.size } })),
      tags: tag ? [tag] : [],
      manifest: { digest: desc.digest, bytes },
    });
  }
  return out;
}
