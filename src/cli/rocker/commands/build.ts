import { writeOut } from '../../entry.ts';
import { Option } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import * as v from 'valibot';
import { describeFsError, UserError } from '../../../common/errors.ts';
import { object } from '../../../common/schema.ts';
import { parseImageRef } from '../../../engine/reference.ts';
import type { Context } from '../context.ts';
import { commandParser, parseArgs } from '../parse.ts';

const collect = (value: string, prev: string[]) => [...prev, value];

const keyValue = v.pipe(v.string(), v.regex(/^[^=\s]+=/, 'expected KEY=VALUE'));

/** The flags as commander hands them over, checked in one place. */
const flagsSchema = object({
  tag: v.array(v.string()),
  file: v.optional(v.string()),
  buildArg: v.array(v.pipe(v.string(), v.regex(/^[^=\s]+(=|$)/, 'expected KEY=VALUE or KEY'))),
  target: v.optional(v.pipe(v.string(), v.minLength(1))),
  cache: v.boolean(),
  label: v.array(keyValue),
  network: v.picklist(['none', 'host', 'default']),
  platform: v.optional(v.string()),
  quiet: v.optional(v.boolean()),
  iidfile: v.optional(v.string()),
  progress: v.picklist(['auto', 'plain', 'tty']),
  rm: v.optional(v.boolean()),
  forceRm: v.optional(v.boolean()),
});

function readText(path: string, what: string): string {
  try {
    return readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (err) {
    throw new UserError(`cannot read ${what} ${path === '-' ? 'from stdin' : path}: ${describeFsError(err)}`);
  }
}

function pair(text: string): [string, string] {
  const eq = text.indexOf('=');
  return [text.slice(0, eq), text.slice(eq + 1)];
}

export default async function run(args: string[], ctx: Context): Promise<number> {
  const cmd = commandParser('build', 'Build an image from a Dockerfile')
    .argument('<context>', "the build context directory, or - to read the Dockerfile from stdin (no context)")
    .option('-t, --tag <name[:tag]>', 'name the image (repeatable)', collect, [])
    .option('-f, --file <path>', 'the Dockerfile (default: CONTEXT/Dockerfile; - reads it from stdin)')
    .option('--build-arg <KEY=VALUE>', 'set a build-time ARG (repeatable; KEY alone takes the host value)', collect, [])
    .option('--target <stage>', 'build up to this stage')
    .option('--no-cache', 'do not use the build cache')
    .option('--label <KEY=VALUE>', 'add a label to the image (repeatable)', collect, [])
    .addOption(new Option('--network <mode>', 'network of RUN steps: none (own namespace, loopback only) or host').choices(['none', 'host', 'default']).default('none'))
    .option('--platform <os/arch>', "the target platform (only this machine's)")
    .option('-q, --quiet', 'print only the image id')
    .option('--iidfile <file>', 'write the image id to this file')
    // A step's container never outlives its step here, failed or not: Docker's flags for that are accepted as they are.
    .option('--rm', 'accepted for Docker scripts: step containers are always removed')
    .option('--force-rm', 'accepted for Docker scripts: step containers are always removed, also after a failed step')
    .addOption(new Option('--progress <mode>', 'accepted for Docker scripts: every mode prints plain steps').choices(['auto', 'plain', 'tty']).default('auto'));
  const { opts: raw, operands } = parseArgs<unknown>(cmd, args);
  const parsed = v.safeParse(flagsSchema, raw);
  if (!parsed.success) {
    const [field = '', index] = parsed.issues[0].path?.map((p) => String(p.key)) ?? [];
    const value = index === undefined ? '' : ` "${(raw as Record<string, string[]>)[field]?.[Number(index)]}"`;
    const flag = `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    throw new UserError(`invalid ${flag}${value}: ${parsed.issues[0].message}`);
  }
  const opts = parsed.output;
  const ctxArg = operands[0]!;
  const tags = opts.tag.map((t) => {
    const ref = parseImageRef(t);
    if (ref.digest) throw new UserError(`invalid tag "${t}": a build cannot be tagged with a digest`);
    return { name: ref.name, tag: ref.tag };
  });
  if (ctxArg === '-' && opts.file === '-') throw new UserError('the Dockerfile and the context cannot both come from stdin');
  const dockerfilePath = ctxArg === '-' ? '-' : (opts.file ?? join(ctxArg, 'Dockerfile'));
  const dockerfile = readText(dockerfilePath, 'the Dockerfile');
  const buildArgs = new Map<string, string>();
  for (const a of opts.buildArg) {
    if (a.includes('=')) buildArgs.set(...pair(a));
    else if (process.env[a] !== undefined) buildArgs.set(a, process.env[a]!);
  }
  const out = (line: string) => {
    if (!opts.quiet) writeOut(`${line}\n`);
  };
  const result = await (await ctx.engine.images()).build({
    contextDir: ctxArg === '-' ? undefined : ctxArg,
    dockerfilePath: dockerfilePath === '-' ? undefined : dockerfilePath,
    dockerfile,
    dockerfileName: dockerfilePath === '-' ? 'Dockerfile (stdin)' : basename(opts.file ?? 'Dockerfile'),
    tags,
    buildArgs,
    target: opts.target,
    noCache: !opts.cache,
    labels: opts.label.map(pair),
    network: opts.network === 'host' ? 'host' : 'none',
    echo: !opts.quiet,
    failedOutput: (text) => process.stderr.write(text),
    platform: opts.platform,
    progress: out,
  });
  if (opts.iidfile) writeFileSync(opts.iidfile, result.id);
  if (opts.quiet) writeOut(`${result.id}\n`);
  else {
    out(`Successfully built ${result.id.slice(7, 19)}`);
    for (const t of tags) out(`Successfully tagged ${t.name}:${t.tag}`);
  }
  return 0;
}
