# Shared by the bench scripts: paths, and a Docker engine when one answers.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
results="$top/bench/results"
mkdir -p "$results"
command -v hyperfine >/dev/null || { echo "bench: apt-get install hyperfine" >&2; exit 1; }
[ -x "$top/dist/rocker" ] || (cd "$top" && npm run build --silent)
# A Docker engine for the comparisons: the machine's, or one started as the tests start it.
have_docker() {
  docker info >/dev/null 2>&1 && return 0
  command -v dockerd >/dev/null || return 1
  DOCKER_HOST=$("$top/scripts/docker-start.sh") && export DOCKER_HOST
}
# read_back FILE...: drops the files' pages from the page cache, so that each
# executable compared is read back from disk as after a reboot. One written a
# moment ago (the bare Bun executable run-bench.sh builds on every run) starts
# ~1.3 ms faster than the same file read back (bench/README.md, issue 15).
read_back() { for f in "$@"; do dd if="$f" iflag=nocache count=0 status=none; done; }
machine() { echo "$(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -r), $(date -u +%Y-%m-%d)"; }

# median_table ROUND.json...: one row per command, over hyperfine runs exported with
# --export-json. Wall time (median over all rounds) and CPU time (user + system, children
# included): on a shared machine the wall time carries everyone else's
# load, the CPU time much less. Docker's CPU column counts only its client;
# the daemon's work is not in it, so compare Docker by wall time.
median_table() {
  node -e '
    const fs = require("fs");
    const runs = process.argv.slice(1).map((f) => JSON.parse(fs.readFileSync(f, "utf8")).results);
    const median = (a) => { const s = [...a].sort((x, y) => x - y); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
    const rows = runs[0].map((r, i) => {
      const all = runs.map((rs) => rs[i]);
      const times = all.flatMap((x) => x.times);
      const mean = times.reduce((a, b) => a + b, 0) / times.length;
      const sd = Math.sqrt(times.reduce((a, b) => a + (b - mean) ** 2, 0) / times.length);
      const cpu = all.reduce((a, x) => a + x.user + x.system, 0) / all.length;
      return { command: r.command, n: times.length, mean, sd, median: median(times), min: Math.min(...times), cpu };
    });
    const ms = (s) => (s * 1000).toFixed(1);
    console.log("| Command | Runs | Wall median [ms] | Wall mean ± σ [ms] | Wall min [ms] | CPU user+sys [ms] | Median relative | CPU relative |");
    console.log("|:---|---:|---:|---:|---:|---:|---:|---:|");
    for (const x of rows) console.log(`| ${x.command} | ${x.n} | ${ms(x.median)} | ${ms(x.mean)} ± ${ms(x.sd)} | ${ms(x.min)} | ${ms(x.cpu)} | ${(x.median / rows[0].median).toFixed(2)} | ${(x.cpu / rows[0].cpu).toFixed(2)} |`);
  ' "$@"
}
