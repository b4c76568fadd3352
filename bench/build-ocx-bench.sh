#!/usr/bin/env bash
# ocx's own Dockerfiles (src/ocx/images/dockerfiles.ts) built by rocker and by
# Docker (classic builder and BuildKit), cold then with nothing changed: the
# base image (apt-get over the network, so `--network host`) and the final
# image on it. One timed run each: a cold base build downloads packages and its
# time depends on the mirror as much as on the builder. Needs root, runc,
# dockerd, network access to Debian's mirrors, the Debian tarball the tests
# use. Usage: bench/build-ocx-bench.sh [RESULTS.md]
source "$(dirname "$0")/lib.sh"
out=${1:-$top/bench/build-ocx-results.md}
rocker=$top/bin/rocker
work=$(mktemp -d /var/tmp/rocker-ocx-bench-XXXXXX)
export ROCKER_ROOT=$work/root ROCKER_RUNROOT=$work/run
cleanup() {
  /usr/bin/docker rmi -f bench-ocx-base:classic bench-ocx-base:buildkit bench-ocx-final:classic bench-ocx-final:buildkit >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
have_docker || { echo "build-ocx-bench: no Docker engine" >&2; exit 1; }
tar=${OCX_TEST_CACHE:-/var/cache/ocx-test}/debian-bookworm-minbase.tar
[ -f "$tar" ] || "$top/scripts/fixtures/debian-bookworm-tar.sh" "$tar"
"$rocker" import "$tar" debian:bookworm-slim >/dev/null
/usr/bin/docker image inspect debian:bookworm-slim >/dev/null 2>&1 || /usr/bin/docker import "$tar" debian:bookworm-slim >/dev/null

mkdir -p "$work/base" "$work/final"
(cd "$top" && node_modules/.bin/bun -e '
  const d = await import("./src/ocx/images/dockerfiles.ts");
  await Bun.write(process.argv[1], d.DEFAULT_BASE_DOCKERFILE);
  await Bun.write(process.argv[2], d.FINAL_DOCKERFILE);
' "$work/base/Dockerfile" "$work/final/Dockerfile")
printf '#!/bin/sh\necho opencode\n' > "$work/final/opencode"
chmod 755 "$work/final/opencode"

secs() { local s; s=$(date +%s.%N); "$@" >/dev/null 2>&1 || { echo "build-ocx-bench: failed: $*" >&2; exit 1; }; echo "$(date +%s.%N) - $s" | bc; }
args="--build-arg USERNAME=bench --build-arg UID=1234 --build-arg GID=1234 --build-arg OPENCODE_VERSION=1"
declare -A t
for b in rocker classic buildkit; do
  case $b in
    rocker) build() { "$rocker" build -q --network host "$@"; } ;;
    classic) build() { DOCKER_BUILDKIT=0 /usr/bin/docker build -q --network host "$@"; } ;;
    buildkit) build() { DOCKER_BUILDKIT=1 /usr/bin/docker build -q --network host "$@"; } ;;
  esac
  t[$b,base]=$(secs build -t "bench-ocx-base:$b" "$work/base")
  t[$b,final]=$(secs build -t "bench-ocx-final:$b" --build-arg "BASE_IMAGE=bench-ocx-base:$b" $args "$work/final")
  t[$b,again]=$(secs build -t "bench-ocx-base:$b" "$work/base")
  t[$b,final_again]=$(secs build -t "bench-ocx-final:$b" --build-arg "BASE_IMAGE=bench-ocx-base:$b" $args "$work/final")
done
size_r() { "$rocker" images --format json | jq -r --arg n "$1" '.[] | select(.name==$n and .tag=="rocker") | .size'; }
size_d() { /usr/bin/docker image inspect -f '{{.Size}}' "$1"; }
{
  echo "# ocx's Dockerfiles: rocker build against docker build"
  echo
  echo "Machine: $(machine); docker $(/usr/bin/docker version --format '{{.Server.Version}}'). Seconds, one run each."
  echo
  echo "| Build | rocker | docker classic | docker BuildKit |"
  echo "| --- | ---: | ---: | ---: |"
  echo "| base, cold (apt-get) | ${t[rocker,base]} | ${t[classic,base]} | ${t[buildkit,base]} |"
  echo "| final on it, cold | ${t[rocker,final]} | ${t[classic,final]} | ${t[buildkit,final]} |"
  echo "| base, no change | ${t[rocker,again]} | ${t[classic,again]} | ${t[buildkit,again]} |"
  echo "| final, no change | ${t[rocker,final_again]} | ${t[classic,final_again]} | ${t[buildkit,final_again]} |"
  echo "| base image size (bytes) | $(size_r bench-ocx-base) | $(size_d bench-ocx-base:classic) | $(size_d bench-ocx-base:buildkit) |"
  echo "| final image size (bytes) | $(size_r bench-ocx-final) | $(size_d bench-ocx-final:classic) | $(size_d bench-ocx-final:buildkit) |"
} > "$out"
cat "$out"
