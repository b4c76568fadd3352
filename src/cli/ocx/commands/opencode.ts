import { rememberPin } from '../../../ocx/images/pins.ts';
import { ensureFinal, finalRepo } from '../../../ocx/images/ensure.ts';
import { loadProject, projectBase, projectEngine, projectSources, projectVersion } from '../../../ocx/project.ts';
import { warnIfNoBridge } from '../../../ocx/run/bridge.ts';
import { explainRunFailure } from '../../../ocx/run/explain.ts';
import { runSpec } from '../../../ocx/run/spec.ts';

/** `ocx opencode [args...]`: every argument goes to opencode untouched; its exit code comes back. */
export default async function opencode(args: string[]): Promise<number> {
  const p = loadProject();
  const engine = await projectEngine(p);
  const base = projectBase(p);
  const { version } = await projectVersion(p, engine, finalRepo(base));
  const { ref } = await ensureFinal(engine, base, version, p.user, projectSources(p));
  rememberPin(p, ref);
  const spec = runSpec(p, ref, args, !!process.stdin.isTTY);
  if (process.env.OCX_DRY_RUN) {
    process.stdout.write(`${JSON.stringify(engine.runArgv(spec))}\n`);
    return 0;
  }
  await warnIfNoBridge(engine, p.cfg.network);
  const code = await engine.run(spec);
  if (code === 125) await explainRunFailure(engine, p);
  return code;
}
