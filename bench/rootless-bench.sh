#!/usr/bin/env bash
# Rootless against root (issue 13), in one hyperfine run so the machine's load
# falls on both alike: `rocker images` (the cost of entering the user's
# namespace: nsenter and a second rocker start) and
# `rocker run --rm --network none busybox true`. The rootless side is a
# temporary user made here (useradd, subordinate ids), removed at the end.
# Needs root, hyperfine, uidmap, a built dist/rocker. Usage: bench/rootless-bench.sh [RESULTS.md]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-bench/rootless-results.md}
[ -x dist/rocker ] || { echo "rootless-bench: build first (npm run build)" >&2; exit 1; }
command -v hyperfine >/dev/null || { echo "rootless-bench: apt-get install hyperfine" >&2; exit 1; }

work=$(mktemp -d /var/tmp/rocker-rootless-bench-XXXXXX)
chmod 755 "$work"
user=rkbench$$
cleanup() {
  [ -f "$work/run/rocker/pause.pid" ] && kill -9 "$(cut -d' ' -f1 "$work/run/rocker/pause.pid")" 2>/dev/null || true
  sleep 0.2
  userdel --force "$user" 2>/dev/null || true
  sed -i "/^$user:/d" /etc/subuid /etc/subgid
  rm -rf "$work"
}
trap cleanup EXIT

useradd --home-dir "$work/home" --create-home --shell /bin/sh "$user"
grep -q "^$user:" /etc/subuid || usermod --add-subuids 400000-465535 "$user"
grep -q "^$user:" /etc/subgid || usermod --add-subgids 400000-465535 "$user"
cp dist/rocker "$work/rocker"
[ -s /var/cache/rocker/busybox.tar ] || scripts/fixtures/busybox-tar.sh /var/cache/rocker/busybox.tar
cp /var/cache/rocker/busybox.tar "$work/busybox.tar"
chmod 644 "$work/busybox.tar"
mkdir -m 700 "$work/run" && chown "$user:" "$work/run"

root="env ROCKER_ROOT=$work/root ROCKER_RUNROOT=$work/rootrun $work/rocker"
less="setpriv --reuid $user --regid $(id -g "$user") --init-groups env -i PATH=/usr/bin:/bin:/usr/sbin:/sbin HOME=$work/home XDG_RUNTIME_DIR=$work/run $work/rocker"
$root import "$work/busybox.tar" busybox >/dev/null
(cd / && $less import "$work/busybox.tar" busybox >/dev/null)

hyperfine -N -w 3 -r 30 --export-markdown "$out" \
  -n 'root: rocker images' "$root images" \
  -n 'rootless: rocker images' "$less images" \
  -n 'root: rocker run --rm --network none busybox true' "$root run --rm --network none busybox true" \
  -n 'rootless: rocker run --rm --network none busybox true' "$less run --rm --network none busybox true"
echo "rootless-bench: results in $out"
