import { writeOut } from '../entry.ts';
import { oneLine, UserError } from '../../common/errors.ts';

/**
 * Docker's way with several operands (`stop a b c`): each is tried, its name
 * printed when done, its failure printed as one line; exit 1 if any failed.
 */
export async function forEachOperand(operands: string[], fn: (text: string) => Promise<unknown> | unknown): Promise<number> {
  let failed = 0;
  for (const text of operands) {
    try {
      await fn(text);
      writeOut(`${text}\n`);
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      process.stderr.write(`rocker: ${oneLine(err)}\n`);
      failed++;
    }
  }
  return failed ? 1 : 0;
}
