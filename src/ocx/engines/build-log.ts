// What a failed build's log says about the failure, for the one-line error:
// the last step started, and the exit code of its command. Docker's classic
// builder, BuildKit, Podman and rocker each print these their own way.

const STEP = [
  /^Step (\d+\/\d+) : (.*)$/, // docker (classic builder), rocker
  /^STEP (\d+\/\d+): (.*)$/, // podman / buildah
  /^#\d+ \[(?:[\w.-]+ )?(\d+\/\d+)\] (.*)$/, // BuildKit
];

const EXIT = /returned a non-zero code: (\d+)|exit status (\d+)|exit code: (\d+)|: exit code (\d+)$/;

export function failure(log: string[]): { step?: string; exit?: string } {
  let step: string | undefined;
  let exit: string | undefined;
  for (const line of log) {
    for (const re of STEP) {
      const m = re.exec(line.trim());
      // Only the number: the total counts the LABEL steps ocx's --label adds, which the user never wrote.
      if (m) step = `${m[1]!.split('/')[0]} "${m[2]!.trim()}"`;
    }
    const e = EXIT.exec(line);
    if (e) exit = e[1] ?? e[2] ?? e[3] ?? e[4];
  }
  return { step, exit };
}
