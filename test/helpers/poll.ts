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
