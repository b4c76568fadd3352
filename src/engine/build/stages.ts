import { syntaxError, takeFlags, type Dockerfile, type Instruction } from './dockerfile.ts';
import { expandWord, expandWords, type Vars } from './expand.ts';

export interface Stage {
  index: number;
  /** `AS name`, lower case (stage names are case-insensitive). */
  name?: string;
  /** The FROM instruction itself. */
  from: Instruction;
  /** The base as written after expansion with the global ARGs: an image, `scratch`, or an earlier stage. */
  base: string;
  instructions: Instruction[];
}

export interface Plan {
  /** Global ARGs (before the first FROM) with their values. */
  globals: Map<string, string>;
  /** Every ARG name the global part declares (with a value or not). */
  declared: Set<string>;
  stages: Stage[];
  /** Indexes of the stages the target needs, in build order; the target is last. */
  needed: number[];
}

/** Docker's predefined ARGs: usable without a declaration, and left out of the history. */
export const PROXY_ARGS = new Set(['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'FTP_PROXY', 'ftp_proxy', 'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy']);

/** `ARG NAME[=default] ...`: the names and (expanded) defaults. */
export function argDeclarations(ins: Instruction, vars: Vars, escape: string, file: string): [string, string | undefined][] {
  const words = expandWords(ins.args, vars, escape);
  if (words.length === 0) throw syntaxError(ins.line, 'ARG needs a name', file);
  return words.map((w) => {
    const eq = w.indexOf('=');
    const name = eq < 0 ? w : w.slice(0, eq);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw syntaxError(ins.line, `invalid ARG name "${name}"`, file);
    return [name, eq < 0 ? undefined : w.slice(eq + 1)];
  });
}

/** The stage a reference (`--from=x`, `FROM x`) names, by name or index, among the stages before `before`. */
export function stageRef(stages: Stage[], ref: string, before: number): Stage | undefined {
  const byName = stages.find((s) => s.index < before && s.name === ref.toLowerCase());
  if (byName) return byName;
  return /^\d+$/.test(ref) && Number(ref) < before ? stages[Number(ref)] : undefined;
}

/**
 * Splits the instructions into stages, works out the global ARGs and which
 * stages the target needs (its base stages and `COPY --from` stages,
 * transitively): the others are not built.
 */
export function planStages(df: Dockerfile, buildArgs: ReadonlyMap<string, string>, target: string | undefined, file: string): Plan {
  const globals = new Map<string, string>();
  const declared = new Set<string>();
  const stages: Stage[] = [];
  for (const ins of df.instructions) {
    if (ins.keyword === 'FROM') {
      const { flags, rest } = takeFlags(ins.args);
      for (const f of flags.keys()) if (f !== 'platform') throw syntaxError(ins.line, `FROM: unknown flag --${f}`, file);
      const words = expandWords(rest, globals, df.escape);
      if (words.length !== 1 && !(words.length === 3 && words[1]!.toLowerCase() === 'as')) throw syntaxError(ins.line, 'FROM takes an image and optionally "AS name"', file);
      const name = words[2]?.toLowerCase();
      if (name !== undefined && !/^[a-z][a-z0-9._-]*$/.test(name)) throw syntaxError(ins.line, `invalid stage name "${words[2]}"`, file);
      if (name && stages.some((s) => s.name === name)) throw syntaxError(ins.line, `duplicate stage name "${words[2]}"`, file);
      stages.push({ index: stages.length, name, from: ins, base: words[0]!, instructions: [] });
    } else if (stages.length === 0) {
      if (ins.keyword !== 'ARG') throw syntaxError(ins.line, `${ins.keyword} before the first FROM: only ARG may come before FROM`, file);
      for (const [name, def] of argDeclarations(ins, globals, df.escape, file)) {
        const value = buildArgs.get(name) ?? def;
        declared.add(name);
        if (value !== undefined) globals.set(name, value);
      }
    } else stages[stages.length - 1]!.instructions.push(ins);
  }
  if (stages.length === 0) throw syntaxError(1, 'no FROM instruction: a Dockerfile starts with FROM (after any ARGs)', file);
  let last = stages[stages.length - 1]!;
  if (target !== undefined) {
    const t = stages.find((s) => s.name === target.toLowerCase());
    if (!t) throw syntaxError(1, `target stage "${target}" is not defined`, file);
    last = t;
  }
  const needed = new Set<number>();
  const visit = (s: Stage) => {
    if (needed.has(s.index)) return;
    const base = stageRef(stages, s.base, s.index);
    if (base) visit(base);
    for (const ins of s.instructions) {
      if (ins.keyword !== 'COPY' && ins.keyword !== 'ADD') continue;
      const ref = takeFlags(ins.args).flags.get('from');
      if (ref === undefined) continue;
      const dep = stageRef(stages, expandWord(ref, globals, df.escape), s.index);
      if (dep) visit(dep);
    }
    needed.add(s.index);
  };
  visit(last);
  return { globals, declared, stages, needed: [...needed].sort((a, b) => a - b) };
}
