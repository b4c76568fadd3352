// Builds bin/rocker and bin/ocx's executables as Bun single-file binaries:
// Node takes ~110 ms to start here, a compiled Bun binary ~6 ms (bench/README.md).
// `--entry FILE --outfile FILE` builds one more executable with the same flags
// instead (bench/bun-floor.ts, the benches' Bun anchor).
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const top = join(dirname(fileURLToPath(import.meta.url)), '..');
const bun = join(top, 'node_modules', '.bin', 'bun');
const version = createRequire(import.meta.url)(join(top, 'package.json')).version;
const argv = process.argv.slice(2);
const option = (flag) => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : undefined);
// --compile-jit-policy: a command runs its code once, so JavaScriptCore's JIT
// compiling it on other threads was ~7 ms of the ~30 ms of CPU rocker adds to a
// container start; with tier-up thresholds 16 times higher, start-up code stays in
// the interpreter (bench/README.md, issue 15). No bunfig.toml or .env autoload:
// a CLI must not take settings from files in whatever directory it runs in, and
// each lookup costs a stat on every start.
const runtime = ['--compile-jit-policy=16', '--no-compile-autoload-bunfig', '--no-compile-autoload-dotenv'];
const compile = (entry, outfile) => {
  const r = spawnSync(bun, ['build', '--compile', '--minify', '--bytecode', '--format=esm', '--splitting', '--target=bun', ...runtime,
    `--define`, `process.env.PKG_VERSION=${JSON.stringify(version)}`, entry, '--outfile', outfile], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

if (argv.includes('--entry') || argv.includes('--outfile')) {
  if (!option('--entry') || !option('--outfile')) {
    console.error('build: --entry FILE and --outfile FILE go together');
    process.exit(2);
  }
  compile(option('--entry'), option('--outfile'));
  process.exit(0);
}
mkdirSync(join(top, 'dist'), { recursive: true });
// Docker's default seccomp profile, refreshed from Debian's package (scripts/seccomp-profile.ts) before it is bundled.
const gen = spawnSync(bun, [join(top, 'scripts', 'seccomp-profile.ts')], { stdio: 'inherit' });
if (gen.status !== 0) process.exit(gen.status ?? 1);
for (const name of ['rocker', 'ocx']) {
  if (argv.length && !argv.includes(name)) continue;
  compile(join(top, 'src', 'cli', name, 'main.ts'), join(top, 'dist', name));
}
