import { UserError } from '../../common/errors.ts';

/** Variables visible to an instruction: ARGs in effect, overridden by ENV. */
export type Vars = ReadonlyMap<string, string>;

const NAME = /[A-Za-z0-9_]/;

/**
 * Docker's word processing for FROM, COPY, ENV, LABEL, WORKDIR...: quotes
 * removed, the escape character escapes the next one, `$V`, `${V}`,
 * `${V:-word}`, `${V-word}`, `${V:+word}`, `${V+word}`, `${V:?msg}`
 * expanded (not inside single quotes). With `split`, unquoted white space
 * separates words.
 */
class Lexer {
  private i = 0;
  constructor(
    private readonly src: string,
    private readonly vars: Vars,
    private readonly escape: string,
  ) {}

  words(split: boolean): string[] {
    const out: string[] = [];
    let cur = '';
    let inWord = false;
    const s = this.src;
    while (this.i < s.length) {
      const c = s[this.i]!;
      if (split && /\s/.test(c)) {
        if (inWord) out.push(cur);
        cur = '';
        inWord = false;
        this.i++;
        continue;
      }
      if (c === '$' && split) {
        // An unquoted variable's value is split into words, and an empty one makes no word, as in Docker.
        const parts = this.variable().split(/\s+/);
        for (const [i, p] of parts.entries()) {
          if (i > 0 && inWord) {
            out.push(cur);
            cur = '';
            inWord = false;
          }
          if (p) {
            cur += p;
            inWord = true;
          }
        }
        continue;
      }
      inWord = true;
      if (c === this.escape) {
        this.i++;
        cur += this.i < s.length ? s[this.i++] : c;
      } else if (c === "'") {
        const end = s.indexOf("'", this.i + 1);
        if (end < 0) throw new UserError(`unterminated single quote in "${s}"`);
        cur += s.slice(this.i + 1, end);
        this.i = end + 1;
      } else if (c === '"') {
        cur += this.doubleQuoted();
      } else if (c === '$') {
        cur += this.variable();
      } else {
        cur += c;
        this.i++;
      }
    }
    if (inWord) out.push(cur);
    return out;
  }

  private doubleQuoted(): string {
    const s = this.src;
    let out = '';
    this.i++;
    while (this.i < s.length && s[this.i] !== '"') {
      const c = s[this.i]!;
      if (c === this.escape && this.i + 1 < s.length && `"$${this.escape}`.includes(s[this.i + 1]!)) {
        out += s[this.i + 1];
        this.i += 2;
      } else if (c === '$') out += this.variable();
      else {
        out += c;
        this.i++;
      }
    }
    if (this.i >= s.length) throw new UserError(`unterminated double quote in "${s}"`);
    this.i++;
    return out;
  }

  private variable(): string {
    const s = this.src;
    this.i++; // $
    if (s[this.i] !== '{') {
      let name = '';
      while (this.i < s.length && NAME.test(s[this.i]!)) name += s[this.i++];
      return name ? (this.vars.get(name) ?? '') : '$';
    }
    this.i++; // {
    let name = '';
    while (this.i < s.length && NAME.test(s[this.i]!)) name += s[this.i++];
    if (!name) throw new UserError(`bad substitution in "${s}"`);
    if (s[this.i] === '}') {
      this.i++;
      return this.vars.get(name) ?? '';
    }
    const op = /^(:?[-+?])/.exec(s.slice(this.i))?.[1];
    if (!op) throw new UserError(`unsupported modifier in \${${name}${s.slice(this.i, this.i + 2)}...} in "${s}"`);
    this.i += op.length;
    // The word runs to the matching brace; it is itself expanded.
    let depth = 1;
    let end = this.i;
    for (; end < s.length; end++) {
      if (s[end] === this.escape) end++;
      else if (s[end] === '{') depth++;
      else if (s[end] === '}' && --depth === 0) break;
    }
    if (end >= s.length) throw new UserError(`missing "}" in "${s}"`);
    const word = expandWord(s.slice(this.i, end), this.vars, this.escape);
    this.i = end + 1;
    const value = this.vars.get(name);
    const set = op.startsWith(':') ? value !== undefined && value !== '' : value !== undefined;
    switch (op.replace(':', '')) {
      case '-':
        return set ? value! : word;
      case '+':
        return set ? word : '';
      default:
        if (!set) throw new UserError(`${name}: ${word || 'is not set'}`);
        return value!;
    }
  }
}

/** One word: quotes and escapes processed, variables expanded, white space kept. */
export function expandWord(text: string, vars: Vars, escape = '\\'): string {
  return new Lexer(text, vars, escape).words(false).join('');
}

/** Several words split on unquoted white space (COPY sources, EXPOSE, VOLUME...). */
export function expandWords(text: string, vars: Vars, escape = '\\'): string[] {
  return new Lexer(text, vars, escape).words(true);
}

/**
 * `KEY=VALUE ...` pairs (ENV, LABEL, ARG defaults), or the legacy
 * `KEY VALUE WITH SPACES` form. Keys are taken literally, values expanded.
 */
export function keyValues(text: string, vars: Vars, escape: string, what: string): [string, string][] {
  const raw = rawWords(text, escape);
  if (raw.length === 0) throw new UserError(`${what} needs at least one KEY=VALUE`);
  if (!raw[0]!.includes('=')) {
    const key = raw[0]!;
    const rest = text.trimStart().slice(key.length).trim();
    if (!rest) throw new UserError(`${what} ${key} needs a value (KEY=VALUE or KEY VALUE)`);
    return [[expandWord(key, vars, escape), expandWord(rest, vars, escape)]];
  }
  return raw.map((w) => {
    const eq = w.indexOf('=');
    if (eq <= 0) throw new UserError(`${what}: "${w}" is not KEY=VALUE`);
    return [expandWord(w.slice(0, eq), vars, escape), expandWord(w.slice(eq + 1), vars, escape)];
  });
}

/** Words split on unquoted white space with quotes and escapes still in them, for keyValues. */
function rawWords(text: string, escape: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === escape && i + 1 < text.length && quote !== "'") {
      cur += c + text[++i];
    } else if (quote) {
      cur += c;
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") {
      cur += c;
      quote = c;
    } else if (/\s/.test(c)) {
      if (cur) out.push(cur);
      cur = '';
    } else cur += c;
  }
  if (cur) out.push(cur);
  return out;
}
