import type { ImageRecord } from './record.ts';

/**
 * An image in the shape of Docker's `image inspect` (Id, RepoTags, Config,
 * RootFS...), with the seed's own record fields kept beside them (name,
 * tag, id, digest, layers...), which scripts written for rocker read.
 */
/** `tags`: every NAME:TAG naming this image (Docker lists them all, whichever one was asked for). */
export function dockerImage(rec: ImageRecord, tags: string[] = rec.name === 'untagged' ? [] : [`${rec.name}:${rec.tag}`]): Record<string, unknown> {
  const c = rec.config;
  return {
    ...rec,
    Id: rec.digest,
    RepoTags: tags,
    RepoDigests: [],
    Created: rec.created,
    Size: rec.size,
    Architecture: rec.architecture,
    Os: rec.os,
    Config: {
      Env: c.Env ?? [],
      Cmd: c.Cmd ?? null,
      Entrypoint: c.Entrypoint ?? null,
      WorkingDir: c.WorkingDir ?? '',
      User: c.User ?? '',
      Labels: c.Labels ?? null,
      ...(c.ExposedPorts ? { ExposedPorts: c.ExposedPorts } : {}),
      ...(c.StopSignal ? { StopSignal: c.StopSignal } : {}),
    },
    RootFS: { Type: 'layers', Layers: rec.layers },
  };
}
