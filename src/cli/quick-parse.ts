// A scanner for a command's words in their plain forms, without commander.
// Building commander's parser for `run`'s ~60 options and parsing with it
// costs ~3.5 ms, and loading commander ~1 ms more, on every container start
// (bench/README.md, issue 15). Commander stays the parser of record: the
// scanner answers only when the words use nothing but declared options in
// the forms commander reads the same way, and otherwise returns undefined so
// that commander parses them, with its help and its error messages.
// test/unit/quick-parse.test.ts checks the two agree.

/**
 * One option as commander declares it: flags ("-e, --env <KEY=VAL>"),
 * description, and `true` for a repeatable one (collected into a list) or
 * its default value.
 */
export type OptionSpec = readonly [flags: string, description: string, extra?: true | { default: string }];

interface Known {
  key: string;
  takesValue: boolean;
  repeatable: boolean;
  negate: boolean;
}

export interface QuickParser {
  long: Map<string, Known>;
  short: Map<string, Known>;
  defaults: Record<string, unknown>;
}

const camel = (name: string) => name.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());

/** The lookup tables for `specs`; the flags must read "-x, --long <value>", "--long" or "--no-long". */
export function quickParser(specs: readonly OptionSpec[]): QuickParser {
  const p: QuickParser = { long: new Map(), short: new Map(), defaults: {} };
  for (const [flags, , extra] of specs) {
    const repeatable = extra === true;
    const m = /^(?:-(\w), )?--([\w-]+)( <[^>]+>)?$/.exec(flags);
    if (!m) throw new Error(`quick-parse: unsupported flags "${flags}"`);
    const negate = m[2]!.startsWith('no-');
    const k: Known = { key: camel(negate ? m[2]!.slice(3) : m[2]!), takesValue: m[3] !== undefined, repeatable, negate };
    p.long.set(`--${m[2]}`, k);
    if (m[1]) p.short.set(m[1], k);
    // Commander's defaults: a repeatable option starts as [], a --no- option as true.
    if (repeatable) p.defaults[k.key] = [];
    if (negate) p.defaults[k.key] = true;
    if (typeof extra === 'object') p.defaults[k.key] = extra.default;
  }
  return p;
}

/**
 * The options and operands as commander reads them; undefined for anything
 * else (unknown options, help, a missing value). `passThrough`: options end
 * at the first operand (everything from there on is the operands'), else
 * they may come between operands, until `--`.
 */
export function quickParse(p: QuickParser, args: readonly string[], passThrough: boolean): { opts: Record<string, unknown>; operands: string[] } | undefined {
  const opts: Record<string, unknown> = {};
  const operands: string[] = [];
  for (const [k, v] of Object.entries(p.defaults)) opts[k] = Array.isArray(v) ? [] : v;
  const set = (k: Known, value: string | undefined) => {
    if (!k.takesValue) opts[k.key] = !k.negate;
    else if (k.repeatable) (opts[k.key] as string[]).push(value!);
    else opts[k.key] = value;
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') return { opts, operands: [...operands, ...args.slice(i + 1)] };
    if (a.length < 2 || a[0] !== '-') {
      if (passThrough) return { opts, operands: args.slice(i) };
      operands.push(a);
      continue;
    }
    if (a[1] === '-') {
      const eq = a.indexOf('=');
      const k = p.long.get(eq < 0 ? a : a.slice(0, eq));
      if (!k || (eq >= 0 && !k.takesValue)) return undefined;
      const value = eq >= 0 ? a.slice(eq + 1) : k.takesValue ? args[++i] : undefined;
      if (k.takesValue && value === undefined) return undefined;
      set(k, value);
      continue;
    }
    // -x, -xVALUE, or a group of switches (-it).
    for (let j = 1; j < a.length; j++) {
      const k = p.short.get(a[j]!);
      if (!k) return undefined;
      if (!k.takesValue) {
        set(k, undefined);
        continue;
      }
      const value = j + 1 < a.length ? a.slice(j + 1) : args[++i];
      if (value === undefined) return undefined;
      set(k, value);
      break;
    }
  }
  return { opts, operands };
}
