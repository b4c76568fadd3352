import { readFileSync } from 'node:fs';
import { describeFsError, UserError } from './errors.ts';

function label(text: string, where: string): [string, string] {
  const eq = text.indexOf('=');
  const key = eq < 0 ? text : text.slice(0, eq);
  if (key.trim() === '' || /\s/.test(key)) throw new UserError(`invalid label "${text}"${where}: expected KEY=VALUE`, 125);
  return [key, eq < 0 ? '' : text.slice(eq + 1)];
}

/** `-l KEY=VAL` (a bare KEY has an empty value, as in Docker) and `--label-file` lines; later wins. */
export function parseLabels(labels: string[], files: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new UserError(`cannot read label file ${file}: ${describeFsError(err)}`, 125);
    }
    text.split('\n').forEach((line, i) => {
      const l = line.replace(/\r$/, '').trim();
      if (l === '' || l.startsWith('#')) return;
      const [k, v] = label(l, ` in ${file} line ${i + 1}`);
      out[k] = v;
    });
  }
  for (const l of labels) {
    const [k, v] = label(l, '');
    out[k] = v;
  }
  return out;
}
