import { UserError } from '../../common/errors.ts';
import { contextTree } from './context.ts';
import { executeCopy, planCopy, planDigest } from './copy.ts';
import { heredocName, jsonForm, takeFlags, type Instruction } from './dockerfile.ts';
import { resolveUser, type BuildState, type EngineAdapter, type ImageConfig } from './engine-adapter.ts';
import { expandWord, expandWords, type Vars } from './expand.ts';
import { commandForm, DEFAULT_SHELL } from './metadata.ts';
import { PROXY_ARGS } from './stages.ts';
import { Tree } from './tree.ts';
import { hasVirtualSources, virtualSources } from './virtual-sources.ts';

/** A step's work, described before it is done: its cache key parts and history text, and how to do it. */
export interface StepWork {
  parts: string[];
  createdBy: string;
  /** Makes the step's layer (undefined: the step adds none) and the configuration after it. */
  produce: () => Promise<{ layer?: string; config: ImageConfig }>;
  /** Removes what describing the step made (downloads, heredoc files), cached or not. */
  cleanup?: () => void;
}

/** What RUN and COPY need to know about the stage they run in. */
export interface StageScope {
  state: BuildState;
  vars: Vars;
  /** ARGs in effect (declared in the stage, with a value), in declaration order. */
  args: Map<string, string>;
  escape: string;
  buildArgs: ReadonlyMap<string, string>;
  network: 'none' | 'host';
  echo: boolean;
  /** Where the output of a failed RUN goes when it was not echoed (-q). */
  output: (text: string) => void;
  /** A line of progress (an image pulled for `--from`). */
  progress: (line: string) => void;
  /** The build context; undefined when the Dockerfile came from stdin alone. */
  context?: ReturnType<typeof contextTree>;
  /** The state of an earlier stage named by `--from`, if it is one. */
  stage: (ref: string) => BuildState | undefined;
}

/**
 * The shell command of a RUN with heredocs: `RUN <<EOF` alone runs the body
 * as the script; otherwise the shell gets the heredocs back as it would
 * read them (`RUN cat <<EOF >/f`).
 */
function heredocScript(ins: Instruction, rest: string): string {
  if (heredocName(rest) !== undefined && ins.heredocs.length === 1) return ins.heredocs[0]!.body;
  return [rest, ...ins.heredocs.map((h) => `${h.body}${h.name}`)].join('\n');
}

/** The environment of a RUN: ARGs not overridden by ENV, as Docker passes them; proxies too, never recorded. */
function runEnv(scope: StageScope): { recorded: string[]; all: string[] } {
  const envKeys = new Set((scope.state.config.Env ?? []).map((e) => e.split('=', 1)[0]!));
  const recorded = [...scope.args].filter(([k]) => !envKeys.has(k) && !PROXY_ARGS.has(k)).map(([k, v]) => `${k}=${v}`);
  const proxies = [...scope.buildArgs].filter(([k]) => PROXY_ARGS.has(k) && !envKeys.has(k)).map(([k, v]) => `${k}=${v}`);
  return { recorded, all: [...recorded, ...proxies] };
}

export function runStep(ins: Instruction, scope: StageScope, engine: EngineAdapter, fail: (code: number) => Error): StepWork {
  const { flags, rest } = takeFlags(ins.args);
  let network = scope.network;
  for (const [f, v] of flags) {
    if (f === 'network' && (v === 'none' || v === 'host' || v === 'default')) network = v === 'default' ? scope.network : v;
    else throw new UserError(`RUN --${f}${f === 'network' ? `=${v}` : ''} is not supported`);
  }
  if (!rest.trim()) throw new UserError('RUN needs a command');
  const shell = (scope.state.config.Shell as string[] | undefined) ?? DEFAULT_SHELL;
  const command = ins.heredocs.length ? [...shell, heredocScript(ins, rest)] : commandForm(rest, shell);
  const env = runEnv(scope);
  const prefix = env.recorded.length ? `|${env.recorded.length} ${env.recorded.join(' ')} ` : '';
  return {
    parts: ['RUN', JSON.stringify(command), JSON.stringify(env.recorded), network],
    createdBy: `RUN ${prefix}${jsonForm(rest) ? JSON.stringify(command) : command.join(' ')}`,
    produce: async () => {
      const r = await engine.run(scope.state, command, { env: env.all, network, echo: scope.echo });
      if (r.code !== 0) {
        if (r.output) scope.output(r.output);
        throw fail(r.code);
      }
      return { layer: r.layer, config: scope.state.config };
    },
  };
}

const COPY_FLAGS = new Set(['from', 'chown', 'chmod', 'link']);

/** The tree a COPY reads from: the context, an earlier stage, or an image (`--from`). */
async function sourceTree(from: string | undefined, scope: StageScope, engine: EngineAdapter): Promise<{ tree: Tree; id: string }> {
  if (from === undefined) {
    if (!scope.context) throw new UserError('there is no build context (the Dockerfile came from stdin): use --from, or give a context directory');
    return { tree: scope.context, id: 'context' };
  }
  const state = scope.stage(from) ?? (await engine.baseState(from, scope.progress)).state;
  return { tree: new Tree(await engine.root(state)), id: engine.stateId(state) };
}

export async function copyStep(ins: Instruction, scope: StageScope, engine: EngineAdapter): Promise<StepWork> {
  const kw = ins.keyword;
  const { flags, rest } = takeFlags(ins.args);
  for (const f of flags.keys()) if (!COPY_FLAGS.has(f)) throw new UserError(`${kw}: unknown flag --${f}`);
  const x = (w: string) => expandWord(w, scope.vars, scope.escape);
  const json = jsonForm(rest);
  const words = json ? json.map(x) : expandWords(rest, scope.vars, scope.escape);
  if (words.length < 2) throw new UserError(`${kw} needs a source and a destination`);
  const dest = words[words.length - 1]!;
  let sources = words.slice(0, -1);
  const from = flags.has('from') ? x(flags.get('from')!) : undefined;
  let src: { tree: Tree; id: string };
  let cleanup: (() => void) | undefined;
  if (hasVirtualSources(sources)) {
    if (from !== undefined) throw new UserError(`${kw} --from cannot be combined with heredocs or URLs`);
    const scratch = engine.staging();
    cleanup = () => engine.removeStaging(scratch);
    try {
      const v = await virtualSources(kw, sources, ins.heredocs, scratch);
      src = { tree: v.tree, id: 'virtual' };
      sources = v.names;
    } catch (err) {
      cleanup();
      throw err;
    }
  } else src = await sourceTree(from, scope, engine);
  try {
    return await describeCopy({ kw, flags, x, sources, dest, from, src, cleanup, written: words.slice(0, -1) }, scope, engine);
  } catch (err) {
    cleanup?.();
    throw err;
  }
}

interface CopyArgs {
  kw: string;
  flags: Map<string, string>;
  /** Expands one word with the stage's variables. */
  x: (w: string) => string;
  /** Sources as found in `src` (heredocs and downloads renamed), and as written. */
  sources: string[];
  written: string[];
  dest: string;
  from?: string;
  src: { tree: Tree; id: string };
  cleanup?: () => void;
}

async function describeCopy(a: CopyArgs, scope: StageScope, engine: EngineAdapter): Promise<StepWork> {
  const { kw, flags, x, sources, dest, from, src, cleanup } = a;
  const root = await engine.root(scope.state);
  const chown = flags.has('chown') ? x(flags.get('chown')!) : undefined;
  const chmodText = flags.get('chmod');
  if (chmodText !== undefined && !/^[0-7]{3,4}$/.test(chmodText)) throw new UserError(`${kw} --chmod=${chmodText}: use an octal mode such as 755`);
  const plan = planCopy({
    what: kw,
    sources,
    dest,
    workdir: scope.state.config.WorkingDir || '/',
    from: src.tree,
    image: new Tree(root),
    owner: chown === undefined ? undefined : resolveUser(root, chown),
    chmod: chmodText === undefined ? undefined : parseInt(chmodText, 8),
    unpack: kw === 'ADD' && src.id === 'context',
  });
  const shown = [from !== undefined ? `--from=${from} ` : '', chown !== undefined ? `--chown=${chown} ` : '', chmodText ? `--chmod=${chmodText} ` : ''].join('');
  return {
    parts: [kw, src.id, JSON.stringify({ sources, dest }), planDigest(plan)],
    createdBy: `${kw} ${shown}${a.written.join(' ')} ${dest}`,
    produce: async () => ({ layer: await executeCopy(plan, engine), config: scope.state.config }),
    cleanup,
  };
}
