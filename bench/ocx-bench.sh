#!/usr/bin/env bash
# ocx's hot paths on rocker and on Docker, side by side in one hyperfine run:
#   `ocx opencode --version` with images built, on each engine, and the
#   engine's own `run --rm` of the same image with the exact flags ocx uses
#   (taken from OCX_DRY_RUN); a no-change `ocx build` on each engine.
# COLD=1 adds a cold `ocx build` on each engine (images removed first, build
# cache off: the base's apt-get and the final, one run each by default).
# Needs root and dockerd (started here when none answers). rocker runs on a
# store of its own under /var/tmp (removed at the end).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
command -v hyperfine >/dev/null || { echo "ocx-bench: apt-get install hyperfine" >&2; exit 1; }
[ -x "$top/dist/ocx" ] && [ -x "$top/dist/rocker" ] || npm --prefix "$top" run build >/dev/null
DOCKER_HOST=$("$top/scripts/docker-start.sh")
export DOCKER_HOST
home=$(mktemp -d /var/tmp/ocx-bench-XXXXXX)
export ROCKER_ROOT=$home/rocker-root ROCKER_RUNROOT=$home/rocker-run
rocker="$top/bin/rocker"
export PATH=$top/bin:$PATH
trap '"$rocker" network prune -f >/dev/null 2>&1; rm -rf "$home"' EXIT
export HOME=$home USER=bench OCX_OPENCODE_SOURCE=${OCX_OPENCODE_SOURCE:-npm}
cache=${OCX_TEST_CACHE:-/var/cache/ocx-test}
mkdir -p "$cache/opencode" "$home/.cache/ocx" "$home/app"
ln -s "$cache/opencode" "$home/.cache/ocx/opencode"
"$top/scripts/fixtures/debian-bookworm-tar.sh" "$cache/debian-bookworm-minbase.tar"
"$rocker" import "$cache/debian-bookworm-minbase.tar" debian:bookworm-slim >/dev/null
docker image inspect debian:bookworm-slim >/dev/null 2>&1 || docker import - debian:bookworm-slim < "$cache/debian-bookworm-minbase.tar" >/dev/null
cd "$home/app"
# Host networking on both: the bench dockerd runs with --bridge=none.
echo '{"network": "host"}' > ocx.json
ocx="$top/bin/ocx"
mkdir -p "$top/bench/results"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -r), $(date -u '+%Y-%m-%d %H:%M UTC'), load $(cut -d' ' -f1-3 /proc/loadavg), docker $(docker version --format '{{.Server.Version}}'), $("$rocker" --version)"

if [ -n "${COLD:-}" ]; then
  hyperfine --runs "${COLD_RUNS:-1}" \
    -n 'ocx build, cold (rocker)' --prepare "OCX_ENGINE=rocker $ocx image remove-all >/dev/null" "OCX_ENGINE=rocker $ocx build --no-cache" \
    -n 'ocx build, cold (docker)' --prepare "OCX_ENGINE=docker $ocx image remove-all >/dev/null" "OCX_ENGINE=docker $ocx build --no-cache" \
    --export-markdown "$top/bench/results/ocx-cold.md"
fi

for e in rocker docker; do OCX_ENGINE=$e "$ocx" build >/dev/null 2>&1 || OCX_ENGINE=$e "$ocx" build; done
rocker_cmd=$(OCX_ENGINE=rocker OCX_DRY_RUN=1 "$ocx" opencode --version | jq -r '@sh')
docker_cmd=$(OCX_ENGINE=docker OCX_DRY_RUN=1 "$ocx" opencode --version | jq -r '@sh')
echo "rocker command: $rocker_cmd"
# Each engine's own run before and after ocx: start times drift with the load.
hyperfine --warmup 3 --runs "${RUNS:-20}" \
  -n 'docker run --rm (same flags)' "$docker_cmd" \
  -n 'ocx opencode --version (docker)' "OCX_ENGINE=docker $ocx opencode --version" \
  -n 'rocker run --rm (same flags)' "$rocker_cmd" \
  -n 'ocx opencode --version (rocker)' "OCX_ENGINE=rocker $ocx opencode --version" \
  -n 'ocx build, no change (docker)' "OCX_ENGINE=docker $ocx build" \
  -n 'ocx build, no change (rocker)' "OCX_ENGINE=rocker $ocx build" \
  -n 'ocx opencode --version (docker), again' "OCX_ENGINE=docker $ocx opencode --version" \
  -n 'ocx opencode --version (rocker), again' "OCX_ENGINE=rocker $ocx opencode --version" \
  --export-markdown "$top/bench/results/ocx.md" --export-json "$top/bench/results/ocx.json"
