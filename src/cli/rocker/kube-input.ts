// What kube play and kube down read: a file, or stdin for "-".
import { readFileSync } from 'node:fs';
import { describeFsError, UserError } from '../../common/errors.ts';

export async function readKubeInput(file: string): Promise<{ text: string; source: string }> {
  if (file === '-') return { text: await Bun.stdin.text(), source: 'stdin' };
  try {
    return { text: readFileSync(file, 'utf8'), source: file };
  } catch (err) {
    throw new UserError(`cannot read ${file}: ${describeFsError(err)}`);
  }
}

export function printWarnings(warnings: string[]): void {
  for (const w of warnings) process.stderr.write(`rocker: warning: ${w}\n`);
}
