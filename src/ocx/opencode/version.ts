/** "v1.2.3" -> "1.2.3"; "latest" stays. Validation happened at the config edge. */
export function normalizeVersion(v: string): string {
  return v.startsWith('v') ? v.slice(1) : v;
}

/** X.Y.Z with an optional -prerelease, or undefined. */
export function parseVersion(v: string): [number, number, number, string] | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?$/.exec(v.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3]), m[4] ?? ''] : undefined;
}

/** Semver order (a prerelease sorts before its release); unparsable versions sort first. */
export function compareVersions(a: string, b: string): number {
  const pa = parseVersion(a);
  const pb = parseVersion(b);
  if (!pa || !pb) return pa ? 1 : pb ? -1 : a.localeCompare(b);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return (pa[i] as number) - (pb[i] as number);
  if (pa[3] === pb[3]) return 0;
  if (!pa[3]) return 1;
  if (!pb[3]) return -1;
  return pa[3].localeCompare(pb[3]);
}

export function newest(versions: string[]): string | undefined {
  return versions.filter((v) => parseVersion(v)).sort(compareVersions).at(-1);
}

/** OpenCode's release asset names use x64/arm64. */
export function opencodeArch(nodeArch: string = process.arch): 'x64' | 'arm64' {
  if (nodeArch === 'x64' || nodeArch === 'arm64') return nodeArch;
  throw new Error(`OpenCode has no Linux build for the ${nodeArch} architecture (x64 and arm64 only)`);
}
