import { formatTable } from '../../../common/table.ts';
import { KEY_NAMES, KEYS } from '../../../ocx/config/keys.ts';
import { loadConfig } from '../../../ocx/config/load.ts';
import { commandParser, parseArgs } from '../parse.ts';

const show = (v: unknown) => (v === null ? '(auto)' : Array.isArray(v) ? (v.length ? v.join(', ') : '[]') : String(v));

export default async function config(args: string[]): Promise<number> {
  const cmd = commandParser('config', 'Show the merged configuration (env > project > global > defaults)')
    .option('--sources', 'show where each value came from, its env var, and the files')
    .option('--json', 'print JSON');
  const { opts } = parseArgs<{ sources?: boolean; json?: boolean }>(cmd, args);
  const { config: cfg, sources, files } = loadConfig();
  if (opts.json) {
    const out = opts.sources ? { config: cfg, sources, files } : cfg;
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return 0;
  }
  if (opts.sources) {
    console.log(`Global config:  ${files.global}${files.globalFound ? '' : ' (not found)'}`);
    console.log(`Project config: ${files.project}${files.projectFound ? '' : ' (not found)'}\n`);
    console.log(formatTable(['KEY', 'VALUE', 'SOURCE', 'ENV'], KEY_NAMES.map((k) => [k, show(cfg[k]), sources[k], KEYS[k].env])));
    return 0;
  }
  console.log(formatTable(['KEY', 'VALUE'], KEY_NAMES.map((k) => [k, show(cfg[k])])));
  return 0;
}
