#!/usr/bin/env bash
# ocx's hot paths, side by side in one hyperfine run:
#   `ocx opencode --version` with images built vs `docker run --rm` of the same
#   image with the exact flags ocx uses (taken from OCX_DRY_RUN), and a
#   no-change `ocx build`. Needs root (or a docker group member) and dockerd.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
command -v hyperfine >/dev/null || { echo "ocx-bench: apt-get install hyperfine" >&2; exit 1; }
[ -x "$top/dist/ocx" ] || node "$top/scripts/build.mjs" ocx
DOCKER_HOST=$("$top/scripts/docker-start.sh")
export DOCKER_HOST
home=$(mktemp -d /var/tmp/ocx-bench-XXXXXX)
trap 'rm -rf "$home"' EXIT
export HOME=$home USER=bench OCX_OPENCODE_SOURCE=${OCX_OPENCODE_SOURCE:-npm}
cache=${OCX_TEST_CACHE:-/var/cache/ocx-test}/opencode
mkdir -p "$cache" "$home/.cache/ocx" "$home/app"
ln -s "$cache" "$home/.cache/ocx/opencode"
cd "$home/app"
echo '{"network": "host"}' > ocx.json
ocx="$top/bin/ocx"
"$ocx" build >/dev/null 2>&1 || "$ocx" build
docker_cmd=$(OCX_DRY_RUN=1 "$ocx" opencode --version | jq -r '@sh')
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -r), $(date -u '+%Y-%m-%d %H:%M UTC'), docker $(docker version --format '{{.Server.Version}}')"
echo "docker command: $docker_cmd"
mkdir -p "$top/bench/results"
# docker run both before and after ocx: container start times drift with the
# machine's load, and the two docker rows show how much.
hyperfine --warmup 3 --runs "${RUNS:-20}" \
  -n 'docker run --rm (same flags)' "$docker_cmd" \
  -n 'ocx opencode --version' "$ocx opencode --version" \
  -n 'docker run --rm (same flags), again' "$docker_cmd" \
  -n 'ocx build (no change)' "$ocx build" \
  --export-markdown "$top/bench/results/ocx.md"
