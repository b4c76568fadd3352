import { oneLine, UserError } from '../../common/errors.ts';
import { cacheGet, cacheKey, cachePut } from '../build-cache/store.ts';
import type { contextTree } from './context.ts';
import { parseDockerfile, takeFlags, type Instruction } from './dockerfile.ts';
import { directoryLayer } from './copy.ts';
import type { Stores } from '../stores.ts';
import { EngineAdapter, type BuildState, type ImageConfig, type ImageRecord } from './engine-adapter.ts';
import { applyMetadata } from './metadata.ts';
import { argDeclarations, planStages, PROXY_ARGS, stageRef, type Plan, type Stage } from './stages.ts';
import { copyStep, runStep, type StageScope, type StepWork } from './steps.ts';
import { Tree } from './tree.ts';

export interface BuildRequest {
  dockerfile: string;
  /** Names the Dockerfile in errors. */
  dockerfileName: string;
  context?: ReturnType<typeof contextTree>;
  tags: { name: string; tag: string }[];
  buildArgs: ReadonlyMap<string, string>;
  target?: string;
  noCache: boolean;
  labels: [string, string][];
  network: 'none' | 'host';
  /** `--platform`: accepted when it names this machine's. */
  platform?: string;
  /** RUN output to our stdout and stderr (false with -q). */
  echo: boolean;
  /** The output of a failed RUN that was not echoed. */
  failedOutput: (text: string) => void;
  /** One line of progress (`Step 1/4 : FROM busybox`); the engine never prints. */
  progress: (line: string) => void;
}

export interface BuildResult {
  /** sha256:… of the image. */
  id: string;
  images: ImageRecord[];
}

/** A stage while it is built. */
interface StageRun {
  state: BuildState;
  /** The state's id: the base image's id after FROM, else the id of the image the state would make. */
  id: string;
  args: Map<string, string>;
  cmdSetHere: boolean;
}

const short = (id: string) => id.replace(/^sha256:/, '').slice(0, 12);

class Build {
  private readonly engine: EngineAdapter;
  private readonly done = new Map<number, StageRun>();
  private step = 0;
  private readonly total: number;
  private readonly plan: Plan;
  private readonly escape: string;

  constructor(stores: Stores, runtime: string, private readonly req: BuildRequest) {
    this.engine = new EngineAdapter(stores, runtime);
    const df = parseDockerfile(req.dockerfile, req.dockerfileName);
    this.escape = df.escape;
    if (req.platform !== undefined) this.engine.checkPlatform(req.platform);
    this.plan = planStages(df, req.buildArgs, req.target, req.dockerfileName);
    this.total = this.plan.needed.reduce((n, i) => n + 1 + this.plan.stages[i]!.instructions.length, 0) + (req.labels.length ? 1 : 0);
  }

  async run(): Promise<BuildResult> {
    await this.engine.removeAbandonedContainers();
    let last: StageRun | undefined;
    for (const index of this.plan.needed) {
      const stage = this.plan.stages[index]!;
      const run = await this.from(stage);
      for (const ins of run.triggers) run.stage = await this.instruction(stage, run.stage, ins, true);
      for (const ins of stage.instructions) run.stage = await this.instruction(stage, run.stage, ins, false);
      this.done.set(index, run.stage);
      last = run.stage;
    }
    let state = last!;
    if (this.req.labels.length) {
      const text = this.req.labels.map(([k, v]) => `${k}=${v}`).join(' ');
      this.announce(`LABEL ${text}`);
      const config = { ...state.state.config, Labels: { ...(state.state.config.Labels ?? {}), ...Object.fromEntries(this.req.labels) } };
      state = await this.cached(state, { parts: ['LABEL', JSON.stringify(this.req.labels)], createdBy: `LABEL ${text}`, produce: async () => ({ config }) });
    }
    const unused = [...this.req.buildArgs.keys()].filter((k) => !this.plan.declared.has(k) && !PROXY_ARGS.has(k));
    if (unused.length) this.req.progress(`[Warning] One or more build-args [${unused.join(' ')}] were not consumed`);
    const images = await this.engine.commit(state.state, this.req.tags);
    return { id: images[0]!.digest, images };
  }

  release(): void {
    this.engine.release();
  }

  private announce(text: string): void {
    this.req.progress(`Step ${++this.step}/${this.total} : ${text}`);
  }

  private lineError(ins: Instruction, err: unknown): Error {
    if (err instanceof UserError && /^(step \d|build cancelled|Dockerfile|.* line \d)/.test(err.message)) return err;
    return new UserError(`${this.req.dockerfileName} line ${ins.line}: ${oneLine(err)}`, err instanceof UserError ? err.exitCode : undefined);
  }

  /** FROM: scratch, an earlier stage, or a local image; ONBUILD triggers of the image come back to run first. */
  private async from(stage: Stage): Promise<{ stage: StageRun; triggers: Instruction[] }> {
    this.announce(`FROM ${stage.from.args}`);
    try {
      const { flags } = takeFlags(stage.from.args);
      if (flags.has('platform')) this.engine.checkPlatform(flags.get('platform')!);
      let state: BuildState;
      let id: string;
      if (stage.base.toLowerCase() === 'scratch') {
        state = { layers: [], config: {}, history: [] };
        id = this.engine.stateId(state);
      } else {
        const dep = stageRef(this.plan.stages, stage.base, stage.index);
        if (dep) {
          state = this.done.get(dep.index)!.state;
          id = this.done.get(dep.index)!.id;
        } else {
          const got = await this.engine.baseState(stage.base, this.req.progress);
          state = got.state;
          id = got.image.digest;
        }
      }
      this.req.progress(` ---> ${short(id)}`);
      const onBuild = (state.config.OnBuild as string[] | null | undefined) ?? [];
      const triggers = onBuild.length ? parseDockerfile(onBuild.join('\n'), `ONBUILD of ${stage.base}`).instructions.map((i) => ({ ...i, line: stage.from.line })) : [];
      if (triggers.length) {
        this.req.progress(`# Executing ${triggers.length} build trigger${triggers.length > 1 ? 's' : ''}`);
        state = { ...state, config: { ...state.config, OnBuild: null } };
      }
      return { stage: { state, id, args: new Map(), cmdSetHere: false }, triggers };
    } catch (err) {
      throw this.lineError(stage.from, err);
    }
  }

  private async instruction(stage: Stage, run: StageRun, ins: Instruction, trigger: boolean): Promise<StageRun> {
    if (!trigger) this.announce(`${ins.keyword} ${ins.args}${ins.heredocs.map((h) => `\n${h.body}${h.name}`).join('')}`);
    let work: StepWork;
    try {
      const vars = new Map(run.args);
      for (const e of run.state.config.Env ?? []) {
        const eq = e.indexOf('=');
        vars.set(eq < 0 ? e : e.slice(0, eq), eq < 0 ? '' : e.slice(eq + 1));
      }
      if (ins.keyword === 'ARG') {
        const args = new Map(run.args);
        for (const [name, def] of argDeclarations(ins, vars, this.escape, this.req.dockerfileName)) {
          this.plan.declared.add(name);
          const value = this.req.buildArgs.get(name) ?? def ?? this.plan.globals.get(name);
          if (value !== undefined) args.set(name, value);
        }
        this.req.progress(` ---> ${short(run.id)}`);
        return { ...run, args };
      }
      const meta = applyMetadata(ins, { config: run.state.config, vars, escape: this.escape, cmdSetHere: run.cmdSetHere });
      if (meta) {
        work = { parts: [meta.createdBy], createdBy: meta.createdBy, produce: async () => ({ config: meta.config }) };
        if (ins.keyword === 'WORKDIR') work.produce = await this.workdir(run.state, meta.config);
      } else {
        const scope: StageScope = {
          state: run.state,
          vars,
          args: run.args,
          escape: this.escape,
          buildArgs: this.req.buildArgs,
          network: this.req.network,
          echo: this.req.echo,
          output: this.req.failedOutput,
          progress: this.req.progress,
          context: this.req.context,
          stage: (ref) => {
            const s = stageRef(this.plan.stages, ref, stage.index);
            return s ? this.done.get(s.index)?.state : undefined;
          },
        };
        const n = this.step;
        const fail = (code: number) => new UserError(`step ${n}/${this.total}: RUN ${ins.args.trim().slice(0, 80)}: exit code ${code}`);
        work = ins.keyword === 'RUN' ? runStep(ins, scope, this.engine, fail) : await copyStep(ins, scope, this.engine);
      }
      const next = await this.cached(run, work);
      return { ...next, cmdSetHere: run.cmdSetHere || ins.keyword === 'CMD' };
    } catch (err) {
      throw this.lineError(ins, err);
    }
  }

  /** WORKDIR creates its directory when the stage lacks it (one small layer), as Docker's builders do. */
  private async workdir(state: BuildState, config: ImageConfig): Promise<StepWork['produce']> {
    const dir = config.WorkingDir!;
    const tree = new Tree(await this.engine.root(state));
    // Through the stage's own symlinks (WORKDIR /var/run with /var/run -> /run makes /run).
    const canon = tree.canonical(dir, true, `WORKDIR ${dir}`);
    if (tree.entry(canon)) return async () => ({ config });
    return async () => ({ config, layer: await directoryLayer(`/${canon}`, tree, this.engine) });
  }

  /**
   * A step through the cache: the state a previous build made from the same
   * parent with the same instruction and inputs, if its layers are still
   * there; otherwise the step runs and its result is cached (with
   * --no-cache too, as Docker does).
   */
  private async cached(run: StageRun, work: StepWork): Promise<StageRun> {
    const key = cacheKey(run.id, work.parts);
    const paths = this.engine.paths;
    const hit = this.req.noCache ? undefined : cacheGet(paths, key);
    let state: BuildState;
    try {
      if (hit && this.engine.pin(hit.layers)) {
        this.req.progress(' ---> Using cache');
        state = hit;
      } else {
        const { layer, config } = await work.produce();
        const entry = { created: new Date().toISOString(), created_by: work.createdBy, ...(layer ? {} : { empty_layer: true }) };
        state = { layers: layer ? [...run.state.layers, layer] : run.state.layers, config, history: [...run.state.history, entry] };
        cachePut(paths, key, state);
      }
    } finally {
      work.cleanup?.();
    }
    const id = this.engine.stateId(state);
    this.req.progress(` ---> ${short(id)}`);
    return { ...run, state, id };
  }
}

/** Builds the image a Dockerfile describes; names it with every tag (or `untagged:<id>` without one). */
export async function build(stores: Stores, runtime: string, req: BuildRequest): Promise<BuildResult> {
  const b = new Build(stores, runtime, req);
  try {
    return await b.run();
  } finally {
    b.release();
  }
}

/** Removes what killed builds left (their step containers); `image prune` and every build call it. */
export async function removeAbandonedBuilds(stores: Stores, runtime: string): Promise<void> {
  await new EngineAdapter(stores, runtime).removeAbandonedContainers();
}
