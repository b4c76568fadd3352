import type { ImageConfig } from './config-parse.ts';
import { sha256Hex } from '../../common/random.ts';

/** Go's names for the machine's architecture, as OCI configs spell them. */
export function ociArch(arch: string = process.arch): string {
  const names: Record<string, string> = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };
  return names[arch] ?? arch;
}

export interface HistoryEntry {
  created_by?: string;
  created?: string;
  comment?: string;
  empty_layer?: boolean;
}

/**
 * An OCI image config. The image id is the sha256 of these bytes, and no
 * timestamp is written into them, so the same content always gets the same
 * id (Docker's `import` stamps the time in and gets a new id every time).
 */
export function makeConfigBlob(opts: { layers: string[]; config: ImageConfig; history?: HistoryEntry[]; architecture?: string }): { bytes: Buffer; digest: string } {
  const blob = {
    architecture: opts.architecture ?? ociArch(),
    os: 'linux',
    config: opts.config,
    rootfs: { type: 'layers', diff_ids: opts.layers },
    history: opts.history ?? [],
  };
  const bytes = Buffer.from(JSON.stringify(blob));
  return { bytes, digest: `sha256:${sha256Hex(bytes)}` };
}
