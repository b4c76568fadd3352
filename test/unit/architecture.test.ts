// The layering rules of src/, checked statically: the tree is read as text and
// nothing is imported, so a broken module cannot hide a broken rule.
import { describe, expect, test } from 'bun:test';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const REPO = resolve(import.meta.dir, '../..');
const SRC = join(REPO, 'src');
const ENGINE = join(SRC, 'engine');
const CLI = join(SRC, 'cli');
const OCX = join(SRC, 'ocx');
const ROCKER_CLI = join(CLI, 'rocker');
/** The engine's public surface: all the rocker CLI may see of it. */
const ENGINE_API = ['engine.ts', 'reference.ts', 'types.ts'].map((f) => join(ENGINE, f));

interface Edge {
  from: string;
  to: string;
  spec: string;
  kind: 'static' | 'type' | 'dynamic';
  /** False for an import of a file that is not there: still checked against the rules, it names where it points. */
  exists: boolean;
}

const rel = (p: string) => relative(REPO, p);
const under = (p: string, dir: string) => p.startsWith(dir + '/');

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return tsFiles(p);
    return e.isFile() && p.endsWith('.ts') ? [p] : [];
  });
}

// Anchored at a line start, so examples in doc comments (lines starting with * or //) are not taken for imports.
// [^'";]*? spans the lines of a multi-line `import {\n a,\n b,\n} from`.
const STATIC = /^[ \t]*(import|export)\s+(type\s+)?([^'";]*?)\s*from\s*['"]([^'"]+)['"]/gm;
const BARE = /^[ \t]*import\s*['"]([^'"]+)['"]/gm;
const DYNAMIC = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Resolves a relative specifier to a file, or to the path it names when nothing is there. */
function resolveSpec(from: string, spec: string): { to: string; exists: boolean } {
  const base = resolve(dirname(from), spec);
  for (const p of [base, `${base}.ts`, join(base, 'index.ts')]) if (existsSync(p) && statSync(p).isFile()) return { to: p, exists: true };
  return { to: base, exists: false };
}

function parseImports(file: string, text: string): Edge[] {
  const found: Omit<Edge, 'to' | 'exists'>[] = [];
  for (const m of text.matchAll(STATIC)) {
    // `import { type A, type B }` is type-only too, but it is still an edge: cycles through types are still cycles.
    found.push({ from: file, spec: m[4]!, kind: m[2] ? 'type' : 'static' });
  }
  for (const m of text.matchAll(BARE)) found.push({ from: file, spec: m[1]!, kind: 'static' });
  const code = text.split('\n').filter((l) => !/^\s*(\/\/|\*|\/\*)/.test(l)).join('\n');
  for (const m of code.matchAll(DYNAMIC)) found.push({ from: file, spec: m[1]!, kind: 'dynamic' });

  // Packages and node: builtins are outside the rules.
  return found.filter((e) => e.spec.startsWith('.')).map((e) => ({ ...e, ...resolveSpec(file, e.spec) }));
}

const files = tsFiles(SRC).sort();
const edges = files.flatMap((f) => parseImports(f, readFileSync(f, 'utf8')));

/**
 * The cycles a DFS meets, one per back edge: not every elementary cycle, but
 * at least one whenever there is any. Each is its node list with the first
 * node repeated at the end, deduplicated by rotation.
 */
function findCycles(graph: Map<string, Set<string>>): string[][] {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const seen = new Set<string>();
  const cycles: string[][] = [];
  const visit = (n: string) => {
    state.set(n, 'open');
    stack.push(n);
    for (const next of [...(graph.get(n) ?? [])].sort()) {
      const s = state.get(next);
      if (s === 'open') {
        const cycle = stack.slice(stack.indexOf(next));
        const min = cycle.indexOf([...cycle].sort()[0]!);
        const canon = [...cycle.slice(min), ...cycle.slice(0, min)];
        const key = canon.join('\0');
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push([...canon, canon[0]!]);
        }
      } else if (s === undefined) visit(next);
    }
    stack.pop();
    state.set(n, 'done');
  };
  for (const n of [...graph.keys()].sort()) if (!state.has(n)) visit(n);
  return cycles;
}

function graphOf(pairs: [string, string][]): Map<string, Set<string>> {
  const g = new Map<string, Set<string>>();
  for (const [a, b] of pairs) {
    if (a === b) continue;
    if (!g.has(a)) g.set(a, new Set());
    g.get(a)!.add(b);
  }
  return g;
}

/**
 * The engine component a file belongs to: its top folder under src/engine
 * (nested folders belong to it), or the file itself when it sits directly in
 * src/engine.
 */
function component(file: string): string {
  const [first] = relative(ENGINE, file).split('/');
  return rel(join(ENGINE, first!));
}

const fmtEdge = (e: Edge) => `  ${rel(e.from)} -> ${rel(e.to)}${e.kind === 'static' ? '' : ` (${e.kind})`}${e.exists ? '' : ' (missing file)'}`;

describe('the import parser', () => {
  // Guards every rule below against passing vacuously because the regexes stopped matching.
  test('finds static, type-only and dynamic imports in the tree', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(edges.length).toBeGreaterThan(files.length);
    expect(edges.some((e) => e.kind === 'type')).toBe(true);
    expect(edges.some((e) => e.kind === 'dynamic')).toBe(true);
  });

  test('parses multi-line, type-only and re-export forms, and skips comments', () => {
    const text = [
      "import {\n  a,\n  type B,\n} from './multi.ts';",
      "import type { T } from '../types.ts';",
      "export { x } from './re.ts';",
      "export * from './star.ts';",
      "import './side.ts';",
      "const m = await import('./lazy.ts');",
      " * import { no } from './doc.ts';",
      "// const y = await import('./commented.ts');",
      "import * as v from 'valibot';",
    ].join('\n');
    const got = parseImports(join(REPO, 'no-such-dir', 'x.ts'), text);
    expect(got.map((e) => [e.spec, e.kind, e.exists])).toEqual([
      ['./multi.ts', 'static', false],
      ['../types.ts', 'type', false],
      ['./re.ts', 'static', false],
      ['./star.ts', 'static', false],
      ['./side.ts', 'static', false],
      ['./lazy.ts', 'dynamic', false],
    ]);
    expect(got[1]!.to).toBe(join(REPO, 'types.ts'));
  });

  test('the cycle finder reports each cycle once, closed', () => {
    const g = graphOf([['a', 'b'], ['b', 'c'], ['c', 'a'], ['c', 'd'], ['d', 'c'], ['e', 'a']]);
    expect(findCycles(g)).toEqual([['a', 'b', 'c', 'a'], ['c', 'd', 'c']]);
    expect(findCycles(graphOf([['a', 'b'], ['b', 'c'], ['a', 'c']]))).toEqual([]);
  });
});

describe('architecture of src/', () => {
  test('every relative import resolves to a file', () => {
    const missing = edges.filter((e) => !e.exists);
    if (missing.length) throw new Error(`imports of files that do not exist:\n${missing.map(fmtEdge).join('\n')}`);
  });

  test('(a) no import cycle between files, type-only imports included', () => {
    const cycles = findCycles(graphOf(edges.map((e) => [e.from, e.to])));
    const text = cycles.map((c) => `  ${c.map(rel).join(' -> ')}`).join('\n');
    if (cycles.length) throw new Error(`${cycles.length} import cycle(s) between files:\n${text}`);
  });

  test('(b) no cycle between the components of src/engine', () => {
    const inside = edges.filter((e) => under(e.from, ENGINE) && under(e.to, ENGINE));
    const cycles = findCycles(graphOf(inside.map((e) => [component(e.from), component(e.to)])));
    // Name the file imports behind each hop, or the failure says where but not what to move.
    const hops = (c: string[]) =>
      c.slice(0, -1).map((a, i) => {
        const b = c[i + 1]!;
        const why = inside.filter((e) => component(e.from) === a && component(e.to) === b);
        return `  ${a} -> ${b}:\n${why.map((e) => `  ${fmtEdge(e)}`).join('\n')}`;
      });
    const text = cycles.map((c) => `cycle ${c.join(' -> ')}\n${hops(c).join('\n')}`).join('\n');
    if (cycles.length) throw new Error(`${cycles.length} cycle(s) between engine components:\n${text}`);
  });

  test('(c) nothing under src/engine imports from src/cli or src/ocx', () => {
    const bad = edges.filter((e) => under(e.from, ENGINE) && (under(e.to, CLI) || under(e.to, OCX)));
    if (bad.length) throw new Error(`the engine imports from the CLIs or ocx:\n${bad.map(fmtEdge).join('\n')}`);
  });

  test('(d) src/cli/rocker uses only the engine API: engine.ts, reference.ts, types.ts', () => {
    const bad = edges.filter((e) => under(e.from, ROCKER_CLI) && under(e.to, ENGINE) && !ENGINE_API.includes(e.to));
    if (bad.length) throw new Error(`src/cli/rocker imports engine internals:\n${bad.map(fmtEdge).join('\n')}`);
  });
});
