// Tests that need something this machine may lack: skipped by name with the
// reason, except in CI, where everything must run.
import { test } from 'bun:test';

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
