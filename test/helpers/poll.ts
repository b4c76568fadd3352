// Waiting for what tests look at: a condition, polled until a deadline so a
// broken build fails instead of hanging (no sleeps as synchronisation), and a
// terminal's output brought back to plain lines.

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

/** `fn`'s answer once it is `want`, or its last answer after `tries` polls 100 ms apart (for an expect to show). */
export async function settlesTo(fn: () => string, want: string, tries = 50): Promise<string> {
  let got = fn();
  for (let i = 1; i < tries && got !== want; i++) {
    await Bun.sleep(100);
    got = fn();
  }
  return got;
}
