import { createInterface } from 'node:readline/promises';
import { oneLine, UserError } from '../../../common/errors.ts';
import { ensureFinal, finalRepo } from '../../../ocx/images/ensure.ts';
import { loadProject, projectBase, projectEngine, projectSources, projectVersion } from '../../../ocx/project.ts';
import { githubRelease } from '../../../ocx/opencode/sources.ts';
import { newest } from '../../../ocx/opencode/version.ts';
import { commandParser, parseArgs } from '../parse.ts';

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

export default async function upgrade(args: string[]): Promise<number> {
  const { opts } = parseArgs<{ check?: boolean; yes?: boolean }>(
    commandParser('upgrade', 'Check for a newer OpenCode, show its release notes, and rebuild')
      .option('--check', 'only check and report')
      .option('-y, --yes', 'upgrade without asking'), args);
  const p = loadProject();
  if (p.cfg.opencode_version !== 'latest') {
    console.log(`opencode_version is pinned to ${p.cfg.opencode_version} (from ${p.loaded.sources.opencode_version}); change it to upgrade`);
    return 0;
  }
  const engine = await projectEngine(p);
  const base = projectBase(p);
  const repo = finalRepo(base);
  const built = newest((await engine.listImages(repo)).flatMap((i) => i.tags).filter((t) => t.startsWith(`${repo}:`)).map((t) => t.slice(repo.length + 1)));
  const latest = await projectVersion(p, engine, repo, true);
  if (latest.how === 'local-fallback') return 1;
  if (built === latest.version) {
    console.log(`OpenCode ${latest.version} is the latest and is built (${repo}:${latest.version})`);
    return 0;
  }
  console.log(`OpenCode ${latest.version} is available${built ? ` (built here: ${built})` : ''}`);
  try {
    const notes = (await githubRelease(latest.version)).body?.trim();
    if (notes) console.log(`\nRelease notes:\n${notes.split('\n').slice(0, 30).join('\n')}\n`);
  } catch (err) {
    console.log(`(no release notes: ${oneLine(err)})`);
  }
  if (opts.check) return 0;
  if (!opts.yes) {
    if (!process.stdin.isTTY) throw new UserError('upgrade needs a yes: stdin is not a terminal, so pass -y');
    if (!(await confirm(`Build ${repo}:${latest.version} now? [y/N] `))) {
      console.log('Not upgraded');
      return 0;
    }
  }
  const r = await ensureFinal(engine, base, latest.version, p.user, projectSources(p));
  console.log(`Upgraded: ${r.ref} (old images stay until 'ocx image prune')`);
  return 0;
}
