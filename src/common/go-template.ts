// The subset of Go's text/template that Docker users put in --format:
// {{.Field.Sub}}, {{json .}}, pipelines ({{.Names | upper}}), if/else/with/
// range (with $k, $v variables), literals, and Docker's functions. Written
// here because the one maintained npm implementation (@ctrl/golang-template)
// has no function registration (no `json`), no pipelines and renders an
// unknown field as empty where Docker must fail.

/** A template error: "template: NAME: MESSAGE", as Docker prints it. */
export class TemplateError extends Error {}

type Value = unknown;
interface Scope {
  dot: Value;
  vars: Map<string, Value>;
}

/** Objects whose keys are data (labels), not fields: a missing key is "<no value>" rather than an error, as with a Go map. */
const maps = new WeakSet<object>();
export function goMap<T extends object>(obj: T): T {
  maps.add(obj);
  return obj;
}

// ---- lexing: text and {{ actions }}, with Go's {{- and -}} trimming ----

type Piece = { text: string } | { action: string };

function split(src: string): Piece[] {
  const out: Piece[] = [];
  let i = 0;
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    if (open < 0) {
      out.push({ text: src.slice(i) });
      break;
    }
    let text = src.slice(i, open);
    let start = open + 2;
    if (src.startsWith('- ', start) || src.startsWith('-\t', start) || src.startsWith('-\n', start)) {
      text = text.trimEnd();
      start += 1;
    }
    const close = findClose(src, start);
    if (close < 0) throw new TemplateError('unclosed action');
    let end = close;
    let next = close + 2;
    if (/\s-$/.test(src.slice(start, close))) {
      end = close - 1;
      while (next < src.length && /\s/.test(src[next]!)) next++;
    }
    if (text) out.push({ text });
    out.push({ action: src.slice(start, end).trim() });
    i = next;
  }
  return out;
}

/** The "}}" that ends an action, skipping any inside string literals. */
function findClose(src: string, from: number): number {
  for (let i = from; i < src.length; i++) {
    const c = src[i];
    if (c === '"' || c === '`') {
      const q = c;
      for (i++; i < src.length && src[i] !== q; i++) if (q === '"' && src[i] === '\\') i++;
    } else if (c === '}' && src[i + 1] === '}') return i;
  }
  return -1;
}

type Token = { t: 'field'; path: string[]; base?: string } | { t: 'lit'; v: Value } | { t: 'ident'; name: string } | { t: 'pipe' } | { t: 'open' } | { t: 'close' } | { t: 'declare'; names: string[] };

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*/;

function tokens(action: string): Token[] {
  const out: Token[] = [];
  let s = action;
  const decl = /^(\$\w*)\s*(?:,\s*(\$\w*)\s*)?:=\s*/.exec(s);
  if (decl) {
    out.push({ t: 'declare', names: [decl[1]!, ...(decl[2] ? [decl[2]] : [])] });
    s = s.slice(decl[0].length);
  }
  while ((s = s.trimStart())) {
    let m: RegExpExecArray | null;
    if (s[0] === '|') {
      out.push({ t: 'pipe' });
      s = s.slice(1);
    } else if (s[0] === '(' || s[0] === ')') {
      out.push({ t: s[0] === '(' ? 'open' : 'close' });
      s = s.slice(1);
    } else if ((m = /^"((?:[^"\\]|\\.)*)"/.exec(s))) {
      out.push({ t: 'lit', v: JSON.parse(`"${m[1]}"`) as string });
      s = s.slice(m[0].length);
    } else if ((m = /^`([^`]*)`/.exec(s))) {
      out.push({ t: 'lit', v: m[1] });
      s = s.slice(m[0].length);
    } else if ((m = /^-?\d+(\.\d+)?/.exec(s))) {
      out.push({ t: 'lit', v: Number(m[0]) });
      s = s.slice(m[0].length);
    } else if ((m = /^(\$\w*)?((?:\.[A-Za-z_][A-Za-z0-9_]*)+|\.)/.exec(s)) && (m[1] || m[2])) {
      const path = m[2] === '.' || m[2] === undefined ? [] : m[2].slice(1).split('.');
      out.push({ t: 'field', path, base: m[1] });
      s = s.slice(m[0].length);
    } else if ((m = /^\$\w*/.exec(s))) {
      out.push({ t: 'field', path: [], base: m[0] });
      s = s.slice(m[0].length);
    } else if ((m = IDENT.exec(s))) {
      const name = m[0];
      out.push(name === 'true' || name === 'false' ? { t: 'lit', v: name === 'true' } : name === 'nil' ? { t: 'lit', v: null } : { t: 'ident', name });
      s = s.slice(name.length);
    } else {
      throw new TemplateError(`unexpected "${s[0]}" in action {{${action}}}`);
    }
  }
  return out;
}

// ---- parsing: a tree of nodes ----

type Arg = { k: 'field'; path: string[]; base?: string } | { k: 'lit'; v: Value } | { k: 'sub'; pipe: Pipeline };
interface Command {
  fn?: string;
  args: Arg[];
}
interface Pipeline {
  declare?: string[];
  cmds: Command[];
}
type Node =
  | { n: 'text'; text: string }
  | { n: 'out'; pipe: Pipeline }
  | { n: 'if' | 'with' | 'range'; pipe: Pipeline; body: Node[]; alt: Node[] };

function parsePipeline(toks: Token[], action: string): Pipeline {
  let i = 0;
  const pipe: Pipeline = { cmds: [] };
  if (toks[0]?.t === 'declare') {
    pipe.declare = toks[0].names;
    i = 1;
  }
  const parseCmd = (): Command => {
    const cmd: Command = { args: [] };
    const first = toks[i];
    if (first?.t === 'ident') {
      cmd.fn = first.name;
      i++;
    }
    for (; i < toks.length; i++) {
      const tk = toks[i]!;
      if (tk.t === 'pipe' || tk.t === 'close') break;
      if (tk.t === 'field') cmd.args.push({ k: 'field', path: tk.path, base: tk.base });
      else if (tk.t === 'lit') cmd.args.push({ k: 'lit', v: tk.v });
      else if (tk.t === 'open') {
        let depth = 1;
        const start = ++i;
        for (; i < toks.length && depth > 0; i++) depth += toks[i]!.t === 'open' ? 1 : toks[i]!.t === 'close' ? -1 : 0;
        if (depth !== 0) throw new TemplateError(`unclosed "(" in {{${action}}}`);
        i--;
        cmd.args.push({ k: 'sub', pipe: parsePipeline(toks.slice(start, i), action) });
      } else throw new TemplateError(`function "${(tk as { name: string }).name}" in argument position in {{${action}}}`);
    }
    return cmd;
  };
  while (i < toks.length) {
    pipe.cmds.push(parseCmd());
    if (toks[i]?.t === 'pipe') i++;
    else if (i < toks.length) throw new TemplateError(`unexpected ")" in {{${action}}}`);
  }
  if (pipe.cmds.length === 0 || pipe.cmds.some((c) => !c.fn && c.args.length === 0)) throw new TemplateError(`missing value in {{${action}}}`);
  return pipe;
}

function parse(src: string): Node[] {
  const pieces = split(src);
  let i = 0;
  const block = (inside: string | undefined): { body: Node[]; end: 'end' | 'else' | 'eof'; elseRest?: string } => {
    const body: Node[] = [];
    for (; i < pieces.length; i++) {
      const p = pieces[i]!;
      if ('text' in p) {
        body.push({ n: 'text', text: p.text });
        continue;
      }
      const a = p.action;
      if (a.startsWith('/*')) continue;
      const word = /^(\w+)\b\s*/.exec(a);
      const kw = word?.[1];
      if (kw === 'end' || kw === 'else') {
        if (!inside) throw new TemplateError(`unexpected {{${kw}}}`);
        i++;
        return { body, end: kw, elseRest: kw === 'else' ? a.slice(word![0].length) : undefined };
      }
      if (kw === 'if' || kw === 'with' || kw === 'range') {
        i++;
        body.push(control(kw, a.slice(word![0].length)));
        i--;
        continue;
      }
      body.push({ n: 'out', pipe: parsePipeline(tokens(a), a) });
    }
    if (inside) throw new TemplateError(`unexpected EOF: {{${inside}}} has no {{end}}`);
    return { body, end: 'eof' };
  };
  const control = (kw: 'if' | 'with' | 'range', rest: string): Node => {
    const pipe = parsePipeline(tokens(rest), `${kw} ${rest}`);
    const first = block(kw);
    let alt: Node[] = [];
    if (first.end === 'else') {
      const chained = /^(if|with)\b\s*/.exec(first.elseRest ?? '');
      if (chained) alt = [control(chained[1] as 'if' | 'with', first.elseRest!.slice(chained[0].length))];
      else alt = block(kw).body;
    }
    return { n: kw, pipe, body: first.body, alt };
  };
  return block(undefined).body;
}

// ---- evaluation ----

function truthy(v: Value): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0 || !maps.has(v);
  return true;
}

/** A value as Go's fmt prints it with %v. */
export function show(v: Value): string {
  if (v === undefined) return '<no value>';
  if (v === null) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(show).join(' ')}]`;
  if (typeof v === 'object') {
    const entries = Object.entries(v as object).sort(([a], [b]) => (maps.has(v as object) ? a.localeCompare(b) : 0));
    return maps.has(v as object) ? `map[${entries.map(([k, x]) => `${k}:${show(x)}`).join(' ')}]` : `{${entries.map(([, x]) => show(x)).join(' ')}}`;
  }
  return String(v);
}

function field(v: Value, name: string): Value {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    if (Object.hasOwn(v, name)) return (v as Record<string, Value>)[name];
    if (maps.has(v)) return undefined;
  }
  const what = v === null || v === undefined ? 'nil' : Array.isArray(v) ? 'list' : typeof v === 'object' ? 'object' : typeof v;
  throw new TemplateError(`can't evaluate field ${name} in type ${what}`);
}

const FUNCS: Record<string, (...a: Value[]) => Value> = {
  json: (v) => JSON.stringify(v === undefined ? null : v),
  upper: (v) => show(v).toUpperCase(),
  lower: (v) => show(v).toLowerCase(),
  title: (v) => show(v).replace(/\b\w/g, (c) => c.toUpperCase()),
  join: (list, sep) => (Array.isArray(list) ? list.map(show).join(show(sep)) : show(list)),
  split: (s, sep) => show(s).split(show(sep)),
  len: (v) => (Array.isArray(v) || typeof v === 'string' ? v.length : v && typeof v === 'object' ? Object.keys(v).length : 0),
  index: (v, ...keys) => keys.reduce((acc: Value, k) => (Array.isArray(acc) ? acc[Number(k)] : acc && typeof acc === 'object' ? (acc as Record<string, Value>)[show(k)] : undefined), v),
  truncate: (s, n) => show(s).slice(0, Number(n)),
  pad: (s, l, r) => `${' '.repeat(Number(l))}${show(s)}${' '.repeat(Number(r))}`,
  println: (...a) => `${a.map(show).join(' ')}\n`,
  print: (...a) => a.map(show).join(''),
  printf: (f, ...a) => show(f).replace(/%[svdq%]/g, (m) => (m === '%%' ? '%' : m === '%q' ? JSON.stringify(show(a.shift())) : show(a.shift()))),
  not: (v) => !truthy(v),
  and: (...a) => a.find((x) => !truthy(x)) ?? a[a.length - 1],
  or: (...a) => a.find((x) => truthy(x)) ?? a[a.length - 1],
  eq: (a, ...b) => b.some((x) => x === a),
  ne: (a, b) => a !== b,
};

function argValue(a: Arg, scope: Scope): Value {
  if (a.k === 'lit') return a.v;
  if (a.k === 'sub') return runPipeline(a.pipe, scope);
  let v: Value;
  if (a.base === undefined) v = scope.dot;
  else {
    if (!scope.vars.has(a.base)) throw new TemplateError(`undefined variable "${a.base}"`);
    v = scope.vars.get(a.base);
  }
  for (const name of a.path) v = field(v, name);
  return v;
}

function runPipeline(pipe: Pipeline, scope: Scope): Value {
  let carried: Value;
  pipe.cmds.forEach((cmd, n) => {
    const args = cmd.args.map((a) => argValue(a, scope));
    if (n > 0) args.push(carried);
    if (cmd.fn === undefined) {
      // A field that is a function is a method, as Go calls them: {{.Label "com.example.x"}}.
      if (typeof args[0] === 'function') carried = (args[0] as (...a: Value[]) => Value)(...args.slice(1));
      else if (args.length > 1) throw new TemplateError(`can't give argument to non-function ${show(args[0])}`);
      else carried = args[0];
      return;
    }
    const fn = FUNCS[cmd.fn];
    if (!fn) throw new TemplateError(`function "${cmd.fn}" not defined`);
    carried = fn(...args);
  });
  return carried;
}

function run(nodes: Node[], scope: Scope, out: string[]): void {
  for (const node of nodes) {
    if (node.n === 'text') out.push(node.text);
    else if (node.n === 'out') {
      const v = runPipeline(node.pipe, scope);
      if (!node.pipe.declare) out.push(show(v));
      else scope.vars.set(node.pipe.declare[0]!, v);
    } else {
      const v = runPipeline({ cmds: node.pipe.cmds }, scope);
      if (node.n === 'if') run(truthy(v) ? node.body : node.alt, scope, out);
      else if (node.n === 'with') run(truthy(v) ? node.body : node.alt, truthy(v) ? { ...scope, dot: v } : scope, out);
      else {
        const items: Array<[Value, Value]> = Array.isArray(v)
          ? v.map((x, i) => [i, x])
          : v && typeof v === 'object'
            ? Object.keys(v).sort().map((k) => [k, (v as Record<string, Value>)[k]])
            : [];
        if (v !== undefined && v !== null && typeof v !== 'object') throw new TemplateError(`range can't iterate over ${show(v)}`);
        if (items.length === 0) run(node.alt, scope, out);
        for (const [k, x] of items) {
          const vars = new Map(scope.vars);
          const names = node.pipe.declare ?? [];
          if (names.length === 1) vars.set(names[0]!, x);
          if (names.length === 2) {
            vars.set(names[0]!, k);
            vars.set(names[1]!, x);
          }
          run(node.body, { dot: x, vars }, out);
        }
      }
    }
  }
}

export interface Template {
  render(data: Value): string;
}

/** Compiles `src`; errors (syntax now, unknown fields when rendered) are TemplateErrors. */
export function compileTemplate(src: string): Template {
  const nodes = parse(src);
  return {
    render(data: Value): string {
      const out: string[] = [];
      run(nodes, { dot: data, vars: new Map([['$', data]]) }, out);
      return out.join('');
    },
  };
}
