#!/usr/bin/env bash
# rocker pull vs docker pull from a local CNCF registry (Debian's docker-registry),
# each into an empty store/engine, and a second pull that shares all but the top layer.
# Writes bench/pull-results.md. Needs root, docker.io, docker-registry, hyperfine, debootstrap.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
runs=${RUNS:-5}
work=$(mktemp -d /var/tmp/rocker-pull-bench.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 2
  umount -R "$work/docker" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

debian=${DEBIAN_TAR:-/var/cache/ocx-test/debian-bookworm-minbase.tar}
[ -s "$debian" ] || scripts/fixtures/debian-bookworm-tar.sh "$debian"

port=$(node -e "const s = require('net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); })")
host=127.0.0.1:$port
cat >"$work/registry.yml" <<YML
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $work/registry}}
http: {addr: $host}
YML
docker-registry serve "$work/registry.yml" 2>"$work/registry.log" & pids+=($!)

# A Docker engine of our own, so "empty engine" means empty.
dockerd --iptables=false --bridge=none --data-root "$work/docker" --exec-root "$work/exec" \
  -H "unix://$work/docker.sock" --pidfile "$work/docker.pid" >"$work/dockerd.log" 2>&1 & pids+=($!)
export DOCKER_HOST=unix://$work/docker.sock
registry_up() { node -e "fetch('http://$host/v2/').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"; }
for _ in $(seq 120); do docker version >/dev/null 2>&1 && registry_up && break; sleep 0.5; done

node_modules/.bin/bun bench/pull-fixture.ts "$host" "$debian"

rstore=$work/rocker
export ROCKER_RUNROOT=$work/run
mkdir -p "$ROCKER_RUNROOT"
R="$top/bin/rocker --root $rstore"
img=$host/bench/app

# Before each timing, both sides alike: the previous copy is deleted, dirty pages are written
# back, and 12 s pass. Without a journal (as on this VM's root file system) ext4 avoids reusing
# inodes deleted in the last 5-10 s and scans past them for every new file (perf: `recently_deleted`),
# which would bill one side's deletion of ~10 000 files to the pull that follows it.
hyperfine --runs "$runs" --export-markdown "$work/first.md" \
  -n 'rocker pull (empty store)' --prepare "rm -rf $rstore; sync; sleep 12" "$R pull -q $img:a" \
  -n 'docker pull (empty engine)' --prepare "docker rmi -f $img:a >/dev/null 2>&1 || true; sync; sleep 12" "docker pull -q $img:a"

hyperfine --runs "$runs" --export-markdown "$work/second.md" \
  -n 'rocker pull, all but the top layer present' --prepare "rm -rf $rstore && $R pull -q $img:a >/dev/null; sync; sleep 12" "$R pull -q $img:b" \
  -n 'docker pull, all but the top layer present' --prepare "docker rmi -f $img:a $img:b >/dev/null 2>&1 || true; docker pull -q $img:a >/dev/null; sync; sleep 12" "docker pull -q $img:b" \
  -n 'rocker pull, up to date' --prepare true "$R pull -q $img:a"

{
  echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), $(. /etc/os-release; echo "$PRETTY_NAME"), $(date -u +%Y-%m-%d)"
  echo
  echo "First pull into an empty store (bench/app:a, $(du -sh "$rstore/layers" | cut -f1) unpacked):"
  echo
  cat "$work/first.md"
  echo
  echo "Second pull, sharing all but the top layer (bench/app:b, 5 MB top):"
  echo
  cat "$work/second.md"
} | tee bench/pull-results.md
