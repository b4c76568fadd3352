// iptables as rocker calls it: -w everywhere (the plugins run it too), and
// rules deleted exactly as `-S` printed them.
export function run(cmd: string[], input?: string): { ok: boolean; out: string; err: string } {
  try {
    const r = Bun.spawnSync(cmd, { stdin: input === undefined ? 'ignore' : Buffer.from(input), stdout: 'pipe', stderr: 'pipe' });
    return { ok: r.exitCode === 0, out: r.stdout.toString(), err: r.stderr.toString().trim() };
  } catch {
    return { ok: false, out: '', err: `${cmd[0]} not found` };
  }
}

/** The rules of a chain ("-A ..." lines), or undefined when the chain does not exist. */
export function chainRules(table: string, chain: string): string[] | undefined {
  const r = run(['iptables', '-w', '-t', table, '-S', chain]);
  return r.ok ? r.out.split('\n').filter((l) => l.startsWith('-A ')) : undefined;
}

/**
 * Deletes a rule as `-S` printed it. iptables-restore reads the quoting
 * -S writes (comments with escaped quotes), which splitting words here
 * would get wrong; --noflush leaves every other rule alone.
 */
export function deleteRule(table: string, rule: string): void {
  run(['iptables-restore', '-w', '--noflush'], `*${table}\n-D ${rule.slice(3)}\nCOMMIT\n`);
}


/** Removes a chain: the jumps to it from `jumpsFrom`, its rules, the chain. */
export function dropChain(table: string, chain: string, jumpsFrom: string[]): void {
  for (const from of jumpsFrom) {
    for (const rule of chainRules(table, from) ?? []) if (new RegExp(`-j ${chain}( |$)`).test(rule)) deleteRule(table, rule);
  }
  run(['iptables', '-w', '-t', table, '-F', chain]);
  run(['iptables', '-w', '-t', table, '-X', chain]);
}
