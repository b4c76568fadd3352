// Synchronisation for tests without sleeps: wait for the condition itself,
// bounded by a deadline so a broken build fails instead of hanging.
import { test } from 'bun:test';

/** Resolves once `check` holds; throws naming `what` when it has not within `timeoutMs`. */
export async function eventually(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(10);
  }
}

/** Output as a terminal writes it, with the pty's \r\n turned back into \n. */
export const unCRLF = (s: string) => s.replace(/\r\n/g, '\n');

/**
 * `test`, or, when `missing` names something this machine lacks, a test
 * skipped with that reason in its name. In CI (ROCKER_TEST_REQUIRE_ALL=1, set
 * by scripts/test.sh) nothing may be skipped: the test runs and fails with
 * the reason instead.
 */
export function testUnless(missing: string | undefined): typeof test {
  if (!missing) return test;
  const name = (n: string) => `${n} (cannot run here: ${missing})`;
  if (process.env.ROCKER_TEST_REQUIRE_ALL === '1') {
    return ((n: string) => test(name(n), () => {
      throw new Error(`required in CI but cannot run: ${missing}`);
    })) as unknown as typeof test;
  }
  return ((n: string, fn: () => unknown, t?: number) => test.skip(name(n), fn as never, t)) as unknown as typeof test;
}
