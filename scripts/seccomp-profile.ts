// Writes src/engine/runtime/seccomp/default.json: Docker's default seccomp
// profile, taken from Debian's golang-github-docker-docker-dev (scripts/setup.sh
// installs it), checked with the same schema as a user's profile file and
// stripped of comments. Run by `npm run build` so the shipped copy follows the
// package; the container start path then only filters the rules for the
// container's capabilities, with no file to read or parse.
//   bun scripts/seccomp-profile.ts [--check]
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readProfileFile } from '../src/engine/runtime/seccomp/file.ts';
import type { DockerProfile } from '../src/engine/runtime/seccomp/convert.ts';

const PKG = 'golang-github-docker-docker-dev';
const SOURCE = '/usr/share/gocode/src/github.com/docker/docker/profiles/seccomp/default.json';
export const TARGET = join(import.meta.dir, '..', 'src', 'engine', 'runtime', 'seccomp', 'default.json');

/** Empty filters and argument lists mean "always" and "any": left out to keep the shipped file small. */
function compact(p: DockerProfile): DockerProfile {
  const syscalls = (p.syscalls ?? []).map((r) => {
    const out: Record<string, unknown> = { names: r.names ?? [r.name!], action: r.action };
    if (r.errnoRet !== undefined) out.errnoRet = r.errnoRet;
    if (r.args?.length) out.args = r.args;
    for (const k of ['includes', 'excludes'] as const) {
      const f = r[k];
      if (f && (f.caps?.length || f.arches?.length || f.minKernel)) out[k] = f;
    }
    return out as unknown as NonNullable<DockerProfile['syscalls']>[number];
  });
  return { ...p, syscalls };
}

export function generate(): string {
  const version = spawnSync('dpkg-query', ['-W', '-f=${Version}', PKG], { encoding: 'utf8' }).stdout.trim();
  const profile = compact(readProfileFile(SOURCE));
  const { syscalls, ...head } = profile;
  // One rule a line: reviewable diffs when the package changes, and a file of a few dozen lines.
  const top = JSON.stringify({ source: `${PKG} ${version}: ${SOURCE}`, profile: { ...head, syscalls: [] } });
  const rules = (syscalls ?? []).map((r) => `  ${JSON.stringify(r)}`).join(',\n');
  return `${top.slice(0, -4)}[\n${rules}\n]}}\n`;
}

if (import.meta.main) {
  if (!existsSync(SOURCE)) {
    // The committed copy stays in use; only a machine with the package can refresh it.
    console.error(`seccomp-profile: ${SOURCE} is missing (apt-get install ${PKG}); keeping the committed default.json`);
    process.exit(process.argv.includes('--check') ? 1 : 0);
  }
  const text = generate();
  const old = existsSync(TARGET) ? readFileSync(TARGET, 'utf8') : '';
  if (process.argv.includes('--check')) {
    if (text !== old) {
      console.error(`seccomp-profile: ${TARGET} is out of date: run bun scripts/seccomp-profile.ts`);
      process.exit(1);
    }
  } else if (text !== old) {
    writeFileSync(TARGET, text);
    console.log(`seccomp-profile: wrote ${TARGET}`);
  }
}
