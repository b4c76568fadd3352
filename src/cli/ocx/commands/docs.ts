import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { oneLine, UserError } from '../../../common/errors.ts';
import { download } from '../../../ocx/opencode/http.ts';
import { finalRepo } from '../../../ocx/images/ensure.ts';
import { loadProject, projectBase, projectEngine, projectVersion } from '../../../ocx/project.ts';
import { commandParser, parseArgs } from '../parse.ts';

/** OpenCode's docs live in its source tree; a tag's tarball has them. OCX_DOCS_URL overrides ({version}). */
const DOCS_URL = 'https://codeload.github.com/anomalyco/opencode/tar.gz/refs/tags/v{version}';
const DOCS_PATH = 'packages/web/src/content/docs';

export default async function docs(args: string[]): Promise<number> {
  const { opts } = parseArgs<{ dir?: string; version?: string; force?: boolean }>(
    commandParser('docs', 'Download OpenCode\'s documentation into a directory')
      .requiredOption('--dir <path>', 'where to put the docs')
      .option('--version <v>', 'OpenCode version (default: the configured one)')
      .option('--force', 'replace an existing non-empty directory'), args);
  const dir = resolve(opts.dir!);
  if (existsSync(dir) && readdirSync(dir).length > 0 && !opts.force) throw new UserError(`${dir} is not empty; pass --force to replace it`);
  let version = opts.version?.replace(/^v/, '');
  if (!version) {
    const p = loadProject();
    const engine = await projectEngine(p);
    version = (await projectVersion(p, engine, finalRepo(projectBase(p)))).version;
  }
  if (!/^\d+\.\d+\.\d+/.test(version)) throw new UserError(`--version ${version}: expected X.Y.Z`);
  mkdirSync(dirname(dir), { recursive: true });
  const scratch = mkdtempSync(join(dirname(dir), '.ocx-docs-'));
  try {
    const file = join(scratch, 'src.tar.gz');
    try {
      await download((process.env.OCX_DOCS_URL || DOCS_URL).replaceAll('{version}', version), file, `Downloading OpenCode ${version} docs`);
    } catch (err) {
      throw new UserError(`cannot download OpenCode ${version}'s docs: ${oneLine(err)}`);
    }
    const r = spawnSync('tar', ['-xzf', file, '-C', scratch, '--wildcards', `*/${DOCS_PATH}/*`], { encoding: 'utf8' });
    if (r.status !== 0) throw new UserError(`the source archive of ${version} has no ${DOCS_PATH}: ${oneLine(r.stderr)}`);
    const top = readdirSync(scratch).find((e) => e !== 'src.tar.gz');
    if (!top) throw new UserError(`the source archive of ${version} is empty`);
    rmSync(dir, { recursive: true, force: true });
    renameSync(join(scratch, top, DOCS_PATH), dir);
    console.log(`OpenCode ${version} docs in ${dir}`);
    return 0;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
