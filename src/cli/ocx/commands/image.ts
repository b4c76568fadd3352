import { UserError } from '../../../common/errors.ts';
import { formatAge } from '../../../common/format.ts';
import type { ContainerEngine } from '../../../ocx/engines/types.ts';
import { finalRepo } from '../../../ocx/images/ensure.ts';
import { pinnedProjects } from '../../../ocx/images/pins.ts';
import { classify, type Decision, type OcxImage, prunePlan, removeAllPlan } from '../../../ocx/images/inventory.ts';
import { loadProject, type Project, projectBase, projectEngine } from '../../../ocx/project.ts';
import { readVersionCache } from '../../../ocx/opencode/resolve.ts';
import { normalizeVersion } from '../../../ocx/opencode/version.ts';
import { commandParser, parseArgs } from '../parse.ts';

interface Filter { base?: boolean; final?: boolean }

/** The seed's "850 MB": decimal units like the engines print, with a space. */
export function imageSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${i === 0 || v >= 100 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

const wanted = (f: Filter) => (img: OcxImage) => (!f.base && !f.final) || (f.base && img.kind === 'base') || (f.final && img.kind === 'final');

/** Tagged ocx images and the untagged ones its rebuilds superseded (they still take space). */
async function ocxImages(engine: ContainerEngine, f: Filter): Promise<OcxImage[]> {
  const [tagged, untagged] = await Promise.all([engine.listImages('localhost/ocx'), engine.listUntagged('ocx.kind')]);
  return classify([...tagged, ...untagged]).filter(wanted(f));
}

function label(img: OcxImage): string {
  if (img.superseded) return `${img.name} (superseded ${img.ref})`;
  if (img.name !== img.ref) return img.name;
  return img.tags.length > 1 && img.tags.some((t) => t.endsWith(':latest')) && !img.ref.endsWith(':latest') ? `${img.ref} (latest)` : img.ref;
}

async function list(engine: ContainerEngine, f: Filter & { json?: boolean }): Promise<number> {
  const imgs = await ocxImages(engine, f);
  if (f.json) {
    const out = imgs.map((i) => ({
      kind: i.kind, name: i.name.slice(0, i.name.lastIndexOf(':')), tag: i.superseded ? '<none>' : i.name.slice(i.name.lastIndexOf(':') + 1),
      ref: i.ref, tags: i.tags, superseded: i.superseded, id: i.id, created: i.created.toISOString(), age: formatAge(i.created), size: i.size, size_human: imageSize(i.size), labels: i.labels,
    }));
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return 0;
  }
  const width = Math.max(20, ...imgs.map((i) => label(i).length));
  const ageWidth = Math.max(10, ...imgs.map((i) => formatAge(i.created).length));
  const section = (title: string, kind: OcxImage['kind']) => {
    const rows = imgs.filter((i) => i.kind === kind);
    console.log(`${title}:`);
    if (rows.length === 0) console.log('  (none)');
    for (const i of rows) console.log(`  ${label(i).padEnd(width)}  ${formatAge(i.created).padEnd(ageWidth)}  ${imageSize(i.size)}`);
  };
  const both = !f.base && !f.final;
  if (both || f.base) section('Base Images', 'base');
  if (both) console.log('');
  if (both || f.final) section('Final Images', 'final');
  return 0;
}

/** Tags the current config would run, found without network: pinned version, else the cached "latest". */
function currentRefs(p: Project): string[] {
  const base = projectBase(p);
  const v = p.cfg.opencode_version === 'latest' ? readVersionCache() : normalizeVersion(p.cfg.opencode_version);
  return [base.ref, ...(v ? [`${finalRepo(base)}:${v}`] : [`${finalRepo(base)}:latest`])];
}

/**
 * Removes what the plan says. Images share layers, so the sum of their sizes
 * overstates what goes: the total is the store's size measured before and
 * after. A dry run can only give that sum, as an upper bound.
 */
async function apply(engine: ContainerEngine, plan: Decision[], dryRun: boolean): Promise<number> {
  let sum = 0;
  let removed = 0;
  for (const d of plan.filter((x) => !x.remove)) {
    console.log(`kept ${d.image.ref}: ${d.reason}${d.image.superseded ? ` (superseded ${d.image.name})` : ''}`);
  }
  const going = plan.filter((x) => x.remove);
  const before = dryRun || going.length === 0 ? undefined : await engine.imageDiskUsage();
  for (const d of going) {
    const what = d.image.superseded ? label(d.image) : d.image.tags.join(', ');
    // A superseded image has no tag left: it goes by id.
    if (!dryRun) for (const t of d.image.superseded ? [d.image.id] : d.image.tags) await engine.removeImage(t);
    console.log(`${dryRun ? 'would remove' : 'removed'} ${what} (${imageSize(d.image.size)})${d.image.superseded ? `: ${d.reason}` : ''}`);
    sum += d.image.size;
    removed++;
  }
  const after = before === undefined ? undefined : await engine.imageDiskUsage();
  const freed = before !== undefined && after !== undefined ? imageSize(Math.max(0, before - after)) : removed ? `up to ${imageSize(sum)}` : imageSize(0);
  console.log(`${dryRun ? 'Would remove' : 'Removed'} ${removed} image${removed === 1 ? '' : 's'} (${freed}), kept ${plan.length - removed}.`);
  return 0;
}

const filters = (c: ReturnType<typeof commandParser>) => c.option('--base', 'only base images').option('--final', 'only final images');

interface Subcommand {
  usage: string;
  run: (args: string[]) => Promise<number>;
}

// Declared once: the dispatch, the usage text and the error for an unknown word all come from here.
const subcommands: Record<string, Subcommand | string> = {
  list: {
    usage: 'list [--base] [--final] [--json]',
    run: async (args) => {
      const { opts } = parseArgs<Filter & { json?: boolean }>(filters(commandParser('image list', 'List ocx images, grouped')).option('--json', 'print JSON'), args);
      return list(await projectEngine(loadProject()), opts);
    },
  },
  ls: 'list',
  prune: {
    usage: 'prune [--dry-run] [--base] [--final]',
    run: async (args) => {
      const { opts } = parseArgs<Filter & { dryRun?: boolean }>(
        filters(commandParser('image prune', 'Remove old ocx images; keep the newest of each project, the current ones and any a container uses'))
          .option('--dry-run', 'print what would be removed, change nothing'), args);
      const p = loadProject();
      const engine = await projectEngine(p);
      const [imgs, containers] = await Promise.all([ocxImages(engine, {}), engine.listContainers(true)]);
      const plan = prunePlan(imgs, containers, currentRefs(p), pinnedProjects()).filter((d) => wanted(opts)(d.image));
      return apply(engine, plan, !!opts.dryRun);
    },
  },
  'remove-all': {
    usage: 'remove-all [--dry-run] [--base] [--final]',
    run: async (args) => {
      const { opts } = parseArgs<Filter & { dryRun?: boolean }>(
        filters(commandParser('image remove-all', 'Remove every ocx image that no container uses'))
          .option('--dry-run', 'print what would be removed, change nothing'), args);
      const engine = await projectEngine(loadProject());
      const [imgs, containers] = await Promise.all([ocxImages(engine, opts), engine.listContainers(true)]);
      return apply(engine, removeAllPlan(imgs, containers), !!opts.dryRun);
    },
  },
};

export default async function image(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const found = sub === undefined ? undefined : subcommands[sub];
  const entry = typeof found === 'string' ? subcommands[found] : found;
  if (entry && typeof entry !== 'string') return entry.run(rest);
  const own = Object.entries(subcommands).flatMap(([name, e]) => (typeof e === 'string' ? [] : [{ name, usage: e.usage }]));
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    console.log(own.map((e, i) => `${i === 0 ? 'Usage: ' : '       '}ocx image ${e.usage}`).join('\n'));
    return sub === undefined ? 1 : 0;
  }
  throw new UserError(`unknown image command "${sub}" (${own.map((e) => e.name).join(', ')})`);
}
