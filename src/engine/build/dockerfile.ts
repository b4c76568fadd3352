import { UserError } from '../../common/errors.ts';

/** A heredoc attached to an instruction (`RUN <<EOF`, `COPY <<EOF /x`). */
export interface Heredoc {
  name: string;
  /** The body, without its terminator line; `<<-` strips leading tabs. */
  body: string;
}

export interface Instruction {
  /** 1-based line of the instruction's keyword. */
  line: number;
  /** Upper case: RUN, COPY... */
  keyword: string;
  /** The text after the keyword, continuation lines joined (as Docker joins them: escape and newline removed). */
  args: string;
  heredocs: Heredoc[];
}

export interface Dockerfile {
  escape: string;
  instructions: Instruction[];
}

export const KEYWORDS = new Set([
  'FROM', 'RUN', 'CMD', 'LABEL', 'MAINTAINER', 'EXPOSE', 'ENV', 'ADD', 'COPY', 'ENTRYPOINT', 'VOLUME', 'USER',
  'WORKDIR', 'ARG', 'ONBUILD', 'STOPSIGNAL', 'HEALTHCHECK', 'SHELL',
]);

const HEREDOC_KEYWORDS = new Set(['RUN', 'COPY', 'ADD']);

export const syntaxError = (line: number, msg: string, file = 'Dockerfile') => new UserError(`${file} line ${line}: ${msg}`);

/**
 * Parser directives (`# escape=`, `# syntax=`) are comments at the very top,
 * before any other line; the first line that is not one ends them.
 */
function directives(lines: string[], file: string): { escape: string; start: number } {
  let escape = '\\';
  let i = 0;
  for (; i < lines.length; i++) {
    const m = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.*?)\s*$/.exec(lines[i]!);
    if (!m) break;
    const key = m[1]!.toLowerCase();
    if (key === 'escape') {
      if (m[2] !== '\\' && m[2] !== '`') throw syntaxError(i + 1, `invalid escape directive "${m[2]}": use \\ or \``, file);
      escape = m[2]!;
    } else if (key !== 'syntax' && key !== 'check') break; // an unknown directive is an ordinary comment
  }
  return { escape, start: i };
}

const HEREDOC = /<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)\2/;

/** The heredoc markers an instruction line opens, in order (`<<EOF`, `<<-EOF`, `<<"EOF"`). */
function heredocMarkers(args: string): { name: string; strip: boolean }[] {
  return [...args.matchAll(new RegExp(HEREDOC, 'g'))].map((m) => ({ name: m[3]!, strip: m[1] === '-' }));
}

/** The heredoc a word is, if it is one whole marker (`COPY <<EOF /x`, `RUN <<EOF`). */
export function heredocName(word: string): string | undefined {
  return new RegExp(`^${HEREDOC.source}$`).exec(word.trim())?.[3];
}

/**
 * Dockerfile text to instructions, with Docker's rules: keywords in any
 * case, comment lines dropped (also inside continuations), a line ending in
 * the escape character continues on the next, empty continuation lines
 * skipped, heredoc bodies taken verbatim.
 */
export function parseDockerfile(text: string, file = 'Dockerfile'): Dockerfile {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const { escape, start } = directives(lines, file);
  const continues = new RegExp(`${escape === '\\' ? '\\\\' : '`'}[ \\t]*$`);
  const instructions: Instruction[] = [];
  for (let i = start; i < lines.length; i++) {
    const first = lines[i]!;
    if (/^\s*(#|$)/.test(first)) continue;
    const line = i + 1;
    let joined = first;
    while (continues.test(joined)) {
      joined = joined.replace(continues, '');
      // Comment and empty lines inside a continuation are skipped, as Docker does.
      while (i + 1 < lines.length && /^\s*(#|$)/.test(lines[i + 1]!)) i++;
      if (i + 1 >= lines.length) break;
      joined += lines[++i]!;
    }
    const m = /^\s*([A-Za-z]+)(?:\s+([\s\S]*?))?\s*$/.exec(joined);
    if (!m) throw syntaxError(line, `cannot parse "${first.trim().slice(0, 60)}": expected an instruction such as RUN or COPY`, file);
    const keyword = m[1]!.toUpperCase();
    if (!KEYWORDS.has(keyword)) throw syntaxError(line, `unknown instruction "${m[1]}"`, file);
    const args = m[2] ?? '';
    const heredocs: Heredoc[] = [];
    if (HEREDOC_KEYWORDS.has(keyword)) {
      for (const marker of heredocMarkers(args)) {
        const body: string[] = [];
        for (;;) {
          if (++i >= lines.length) throw syntaxError(line, `heredoc <<${marker.name} is not terminated`, file);
          const l = marker.strip ? lines[i]!.replace(/^\t+/, '') : lines[i]!;
          if (l === marker.name) break;
          body.push(l);
        }
        heredocs.push({ name: marker.name, body: body.length ? `${body.join('\n')}\n` : '' });
      }
    }
    instructions.push({ line, keyword, args, heredocs });
  }
  return { escape, instructions };
}

/**
 * The JSON ("exec") form: `["a", "b"]`, parsed here from the instruction's
 * own text so strings keep their spaces. Undefined for the shell form.
 */
export function jsonForm(args: string): string[] | undefined {
  const t = args.trim();
  if (!t.startsWith('[')) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(t);
  } catch {
    return undefined;
  }
  return Array.isArray(v) && v.every((s) => typeof s === 'string') ? (v as string[]) : undefined;
}

/** Leading `--name=value` / `--name` flags of an instruction, and the rest of its text. */
export function takeFlags(args: string): { flags: Map<string, string>; rest: string } {
  const flags = new Map<string, string>();
  let rest = args.trimStart();
  for (;;) {
    const m = /^--([A-Za-z][A-Za-z0-9-]*)(?:=("[^"]*"|\S*))?(?:\s+|$)/.exec(rest);
    if (!m) break;
    flags.set(m[1]!.toLowerCase(), (m[2] ?? 'true').replace(/^"(.*)"$/, '$1'));
    rest = rest.slice(m[0].length);
  }
  return { flags, rest };
}
