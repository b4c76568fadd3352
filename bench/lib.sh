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
machine() { echo "$(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -r), $(date -u +%Y-%m-%d)"; }
