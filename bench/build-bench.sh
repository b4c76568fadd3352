#!/usr/bin/env bash
# rocker build against docker build (classic builder and BuildKit) and podman
# build, same Dockerfile, context and local busybox base, side by side in one
# hyperfine run each (issue 11):
#   1. a no-change rebuild (everything cached);
#   2. a cold multi-stage build with RUN, COPY and ADD steps (--no-cache).
# Needs root, runc, hyperfine, dockerd (started as the tests start it when
# none answers; Debian's /usr/bin/docker 20.10, whose BuildKit needs no buildx),
# optionally podman. Usage: bench/build-bench.sh [RESULTS.md]
source "$(dirname "$0")/lib.sh"
out=${1:-$top/bench/build-results.md}
rocker=$top/bin/rocker
work=$(mktemp -d /var/tmp/rocker-build-bench-XXXXXX)
export ROCKER_ROOT=$work/root ROCKER_RUNROOT=$work/run
podman=(podman --root "$work/podman" --runroot "$work/podman-run" --storage-driver overlay)
cleanup() {
  docker rmi -f bench-build:rocker bench-build:classic bench-build:buildkit rocker-bench-base >/dev/null 2>&1 || true
  "${podman[@]}" rmi -af >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

"$top/scripts/fixtures/busybox-tar.sh" "$work/busybox.tar"
"$rocker" import "$work/busybox.tar" rocker-bench-base >/dev/null
have_docker || { echo "build-bench: no Docker engine" >&2; exit 1; }
docker import "$work/busybox.tar" rocker-bench-base >/dev/null
have_podman=0
if command -v podman >/dev/null && "${podman[@]}" import "$work/busybox.tar" rocker-bench-base >/dev/null 2>&1; then have_podman=1; fi

# The context: 300 small files, one 8 MB file, a tar.gz for ADD.
ctx=$work/ctx
mkdir -p "$ctx/src" "$ctx/assets"
for i in $(seq 300); do echo "file $i" > "$ctx/src/f$i.txt"; done
head -c 8M /dev/urandom > "$ctx/assets/blob.bin"
tar -czf "$ctx/bundle.tgz" -C "$ctx" src
cat > "$ctx/Dockerfile" <<'EOF'
FROM rocker-bench-base AS build
COPY src /src
RUN cat /src/*.txt | sort > /all.txt && mkdir -p /out && cp /all.txt /out/
FROM rocker-bench-base
ENV APP=/app
WORKDIR /app
COPY --from=build /out/ ./
COPY assets/ ./assets/
ADD bundle.tgz /app/unpacked/
RUN ls -R /app | wc -l > /app/count
CMD ["cat", "/app/count"]
EOF

r_build="$rocker build -q -t bench-build:rocker $ctx"
c_build="DOCKER_BUILDKIT=0 /usr/bin/docker build -q --network host -t bench-build:classic $ctx"
b_build="DOCKER_BUILDKIT=1 /usr/bin/docker build -q --network host -t bench-build:buildkit $ctx"
p_build="${podman[*]} build -q --network host --layers -t bench-build:podman $ctx"
# Prime every cache once.
for c in "$r_build" "$c_build" "$b_build"; do sh -c "$c" >/dev/null; done
[ "$have_podman" = 1 ] && { sh -c "$p_build" >/dev/null 2>&1 || have_podman=0; }

warm=(-n "rocker build (no change)" "$r_build" -n "docker build, classic (no change)" "$c_build" -n "docker build, BuildKit (no change)" "$b_build")
cold=(-n "rocker build --no-cache" "${r_build/ -q/ -q --no-cache}" -n "docker build --no-cache, classic" "${c_build/ -q/ -q --no-cache}" -n "docker build --no-cache, BuildKit" "${b_build/ -q/ -q --no-cache}")
if [ "$have_podman" = 1 ]; then
  warm+=(-n "podman build (no change)" "$p_build")
  cold+=(-n "podman build --no-cache" "${p_build/ -q/ -q --no-cache}")
fi
hyperfine --warmup 2 --runs "${RUNS:-15}" --export-markdown "$work/warm.md" "${warm[@]}"
hyperfine --warmup 1 --runs "${COLD_RUNS:-8}" --export-markdown "$work/cold.md" "${cold[@]}"

{
  echo "# rocker build against docker build and podman build"
  echo
  echo "Machine: $(machine); docker $(docker version --format '{{.Server.Version}}')$([ "$have_podman" = 1 ] && echo ", $(podman --version)")."
  echo
  echo "## No-change rebuild"
  echo
  cat "$work/warm.md"
  echo
  echo "## Cold multi-stage build (RUN, COPY, COPY --from, ADD of a tar.gz)"
  echo
  cat "$work/cold.md"
  echo
  echo "Image sizes: rocker $("$rocker" images --format json | jq -r '.[] | select(.name=="bench-build") | .size') B," \
    "docker classic $(docker image inspect -f '{{.Size}}' bench-build:classic) B," \
    "BuildKit $(docker image inspect -f '{{.Size}}' bench-build:buildkit) B."
} > "$out"
cat "$out"
