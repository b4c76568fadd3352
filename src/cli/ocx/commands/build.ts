import { rememberPin } from '../../../ocx/images/pins.ts';
import { ensureBase, ensureFinal, finalRepo } from '../../../ocx/images/ensure.ts';
import { loadProject, projectBase, projectEngine, projectSources, projectVersion } from '../../../ocx/project.ts';
import { commandParser, parseArgs } from '../parse.ts';

interface Opts { base?: boolean; force?: boolean; cache?: boolean }

export default async function build(args: string[]): Promise<number> {
  const cmd = commandParser('build', 'Build the base and final images; skips what is already built and current')
    .option('--base', 'build only the base image')
    .option('-f, --force', 'rebuild even if current (both images, or only the base with --base)')
    .option('--no-cache', 'do not use the engine\'s build cache');
  const { opts } = parseArgs<Opts>(cmd, args);
  const p = loadProject();
  const engine = await projectEngine(p);
  const base = projectBase(p);
  const noCache = opts.cache === false;
  const { built: builtBase } = await ensureBase(engine, base, { force: opts.force, noCache });
  if (!builtBase) console.log(`Base image ${base.ref} is up to date`);
  if (opts.base) return 0;
  const { version } = await projectVersion(p, engine, finalRepo(base));
  const final = await ensureFinal(engine, base, version, p.user, projectSources(p), { force: opts.force, noCache });
  rememberPin(p, final.ref);
  console.log(final.built ? `Built ${final.ref}` : `Final image ${final.ref} is up to date`);
  return 0;
}
