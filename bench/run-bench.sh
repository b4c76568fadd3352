#!/usr/bin/env bash
# Container start and listing speed (issue 3), side by side in one hyperfine
# run so that the machine's load affects every command alike:
#   1. `rocker run --rm --image busybox true` against the floor, bare
#      `runc run` on a prepared bundle (the same config.json rocker writes,
#      rootfs already unpacked), and `docker run --rm` when a daemon answers.
#      Beside each floor, the same runc operation run by bench/bun-floor.ts
#      (the least any Bun CLI adds: its start, a spawn, a wait): what rocker
#      takes beyond that row is its own work.
#   2. the same run on the default bridge network (CNI) against --network none.
#   3. run -d, stop and rm against runc run -d, runc kill + wait, runc delete;
#      50 containers started detached one after another.
#   4. `rocker ps -a` with 1,000 containers in the store.
# Needs root, runc, hyperfine, a built bin/rocker. Usage: bench/run-bench.sh [RESULTS.md]
# ROCKER_BEFORE=/path/to/an/older/dist/rocker adds that build to the same
# rounds (same store, same bundle), for before/after comparisons of a change.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-bench/run-results.md}
rocker=$PWD/dist/rocker
[ -x "$rocker" ] || { echo "run-bench: build first (npm run build)" >&2; exit 1; }
source bench/lib.sh

work=$(mktemp -d /var/tmp/rocker-bench-XXXXXX)
export ROCKER_ROOT=$work/root ROCKER_RUNROOT=$work/run
dockerd_pid=
cleanup() {
  "$rocker" ps -aq 2>/dev/null | xargs -r "$rocker" rm -f >/dev/null 2>&1 || true
  "$rocker" network prune >/dev/null 2>&1 || true
  runc --root "$work/runc" delete -f floor >/dev/null 2>&1 || true
  if [ -n "$dockerd_pid" ]; then
    kill "$dockerd_pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$dockerd_pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -rf "$work"
}
trap cleanup EXIT

scripts/fixtures/busybox-tar.sh "$work/busybox.tar"
"$rocker" import "$work/busybox.tar" busybox >/dev/null

# The floor's bundle: rocker's own config.json for the same container, on a plain directory.
"$rocker" run --network none --name floor-src busybox true
id=$("$rocker" ps -aq | head -1)
mkdir -p "$work/bundle/rootfs"
tar -C "$work/bundle/rootfs" -xf "$work/busybox.tar"
node -e '
  const fs = require("fs");
  const [src, dst, rootfs] = process.argv.slice(1);
  const c = JSON.parse(fs.readFileSync(src, "utf8"));
  c.root.path = rootfs;
  c.linux.cgroupsPath = "/rocker-bench-floor";
  fs.writeFileSync(dst, JSON.stringify(c));
' "$(ls -d "$ROCKER_ROOT"/containers/"$id"*)/config.json" "$work/bundle/config.json" "$work/bundle/rootfs"

floor=(-n "runc run (floor)" "runc --root $work/runc run --bundle $work/bundle floor")
node scripts/build.mjs --entry bench/bun-floor.ts --outfile "$work/bun-floor" >/dev/null
bunf=$work/bun-floor
read_back "$rocker" "$bunf" "$(command -v runc)" ${ROCKER_BEFORE:+"$ROCKER_BEFORE"}
bun_floor=(-n "runc run by a bare Bun executable" "$bunf runc --root $work/runc run --bundle $work/bundle floor")
ours=(-n "rocker run --rm --network none" "$rocker run --rm --network none --image busybox true")
before=()
[ -n "${ROCKER_BEFORE:-}" ] && before=(-n "rocker run --rm --network none (before)" "$ROCKER_BEFORE run --rm --network none --image busybox true")
# Rounds of 10 runs each, floor and rocker taking turns: other work on a
# shared machine then weighs on both alike instead of on whichever ran
# during a burst.
for round in 1 2 3 4 5 6; do
  hyperfine -N --warmup 3 --runs 10 --export-json "$work/start-$round.json" "${floor[@]}" "${bun_floor[@]}" "${ours[@]}" "${before[@]}"
done

# The default bridge network against none: the CNI plugin chain's cost on the start path (issue 12: at most 1.4x).
bridged=(-n "rocker run --rm (bridge)" "$rocker run --rm --image busybox true")
for round in 1 2 3; do
  hyperfine -N --warmup 3 --runs 10 --export-json "$work/bridge-$round.json" "${ours[@]}" "${bridged[@]}"
done
"$rocker" network rm bridge >/dev/null

# Docker: the machine's engine if one answers, else one of our own when dockerd is installed.
# Measured apart from the floor: its daemon's own work after each run would weigh on the others.
if ! docker info >/dev/null 2>&1 && command -v dockerd >/dev/null; then
  dockerd --iptables=false --bridge=none --data-root "$work/docker" --exec-root "$work/exec" \
    -H "unix://$work/docker.sock" --pidfile "$work/docker.pid" >"$work/dockerd.log" 2>&1 &
  dockerd_pid=$!
  export DOCKER_HOST=unix://$work/docker.sock
  for _ in $(seq 120); do docker version >/dev/null 2>&1 && break; sleep 0.5; done
fi
if docker info >/dev/null 2>&1; then
  docker import "$work/busybox.tar" rocker-bench-busybox >/dev/null
  for round in 1 2 3; do
    hyperfine -N --warmup 3 --runs 10 --export-json "$work/docker-$round.json" "${ours[@]}" -n "docker run --rm" "docker run --rm --network none rocker-bench-busybox true"
  done
else
  echo "run-bench: no Docker engine: docker left out" >&2
fi
if [ -n "$dockerd_pid" ]; then
  kill "$dockerd_pid"
  for _ in $(seq 100); do kill -0 "$dockerd_pid" 2>/dev/null || break; sleep 0.1; done
  dockerd_pid=
fi

# run -d, stop and rm, each against the matching bare runc operation (issue 15:
# within 1.5x): `runc run -d`; `runc kill TERM` and waiting until the process
# is gone; `runc delete` of the stopped container. The container ends on
# SIGTERM (a PID 1 `sleep` ignores it and would be killed only after stop's
# timeout). Each side's --prepare (not timed) makes the state its command needs,
# then rests 0.2 s so that the shell has set its trap: a PID 1 without a handler
# never sees SIGTERM.
mkdir -p "$work/bundle-d"
node -e '
  const fs = require("fs");
  const [src, dst] = process.argv.slice(1);
  const c = JSON.parse(fs.readFileSync(src, "utf8"));
  c.process.args = ["sh", "-c", "trap \"exit 0\" TERM; sleep 1000 & wait"];
  c.linux.cgroupsPath = "/rocker-bench-floor-d";
  fs.writeFileSync(dst, JSON.stringify(c));
' "$work/bundle/config.json" "$work/bundle-d/config.json"
R="runc --root $work/runc"
B=$work/bundle-d
rstart="$rocker run -d --network none --name bench-d busybox sh -c 'trap \"exit 0\" TERM; sleep 1000 & wait'"
bstart="$R run -d --bundle $B --pid-file $B/pid floor-d"
rgone="$rocker rm -f bench-d >/dev/null 2>&1 || true"
bgone="$R delete -f floor-d >/dev/null 2>&1 || true"
bwait='pid=$(cat '"$B"'/pid); while [ -d /proc/$pid ] && ! grep -q "^[0-9]* ([^)]*) Z" /proc/$pid/stat 2>/dev/null; do :; done'
before_d=() before_s=() before_r=()
if [ -n "${ROCKER_BEFORE:-}" ]; then
  bd=${rstart/#$rocker/$ROCKER_BEFORE}
  before_d=(-n "rocker run -d (before)" "$bd")
  before_s=(-n "rocker stop (before)" --prepare "$rgone; $bd >/dev/null; sleep 0.2" "$ROCKER_BEFORE stop bench-d")
  before_r=(-n "rocker rm (before)" --prepare "$rgone; $bd >/dev/null; $rocker stop -t 0 bench-d >/dev/null" "$ROCKER_BEFORE rm bench-d")
fi
for round in 1 2 3; do
  hyperfine -N --runs 10 --export-json "$work/detach-$round.json" --prepare "sh -c '$rgone; $bgone'" \
    -n "runc run -d (floor)" "$bstart" -n "runc run -d by a bare Bun executable" "$bunf $bstart" -n "rocker run -d" "$rstart" "${before_d[@]}"
  hyperfine --runs 10 --export-json "$work/stop-$round.json" \
    -n "runc kill TERM + wait (floor)" --prepare "$bgone; $bstart >/dev/null; sleep 0.2" "$R kill floor-d TERM; $bwait" \
    -n "the same, runc kill by a bare Bun executable" --prepare "$bgone; $bstart >/dev/null; sleep 0.2" "$bunf $R kill floor-d TERM; $bwait" \
    -n "rocker stop" --prepare "$rgone; $rstart >/dev/null; sleep 0.2" "$rocker stop bench-d" "${before_s[@]}"
  hyperfine --runs 10 --export-json "$work/rm-$round.json" \
    -n "runc delete (floor)" --prepare "$bgone; $bstart >/dev/null; $R kill floor-d KILL; $bwait" "$R delete floor-d" \
    -n "runc delete by a bare Bun executable" --prepare "$bgone; $bstart >/dev/null; $R kill floor-d KILL; $bwait" "$bunf $R delete floor-d" \
    -n "rocker rm" --prepare "$rgone; $rstart >/dev/null; $rocker stop -t 0 bench-d >/dev/null" "$rocker rm bench-d" "${before_r[@]}"
done
sh -c "$rgone; $bgone"

# 50 detached starts, one after another, then stop them all.
start=$(date +%s%N)
for i in $(seq 1 50); do "$rocker" run -d --network none --name "bg$i" busybox sleep 1000 >/dev/null; done
end=$(date +%s%N)
detached_ms=$(( (end - start) / 1000000 ))
"$rocker" ps -q | xargs -r "$rocker" rm -f >/dev/null

# 1,000 containers in the store (ended ones: real records, logs and upper dirs).
have=$("$rocker" ps -aq | wc -l)
for i in $(seq $((have + 1)) 1000); do "$rocker" run --network none busybox true; done
before_ps=()
[ -n "${ROCKER_BEFORE:-}" ] && before_ps=(-n "rocker ps -a (before)" "$ROCKER_BEFORE ps -a")
# The 1,000 starts just made leave the disk writing back for seconds: rest first, as the
# other scripts do after a mass change, so that the listing meets a quiet machine.
sync; sleep 12
# Against `rocker --version` (issue 15: within 3x), both through bin/rocker as users and
# images-bench.sh run them, in rounds of 10 taking turns: a listing's ratio to a 10 ms
# anchor moves with the machine's drift.
for round in 1 2 3 4 5; do
  hyperfine -N --warmup 2 --runs 10 --export-json "$work/ps-$round.json" -n "rocker --version" "$PWD/bin/rocker --version" \
    -n "rocker ps -a (1,000 containers)" "$PWD/bin/rocker ps -a" "${before_ps[@]}"
done
listed=$("$rocker" ps -aq | wc -l)

{
  echo "### rocker run: container start (busybox \`true\`)"
  echo
  echo "Machine: $(nproc) cores, $(uname -r), runc $(runc --version | head -1 | awk '{print $3}'), $(date -u '+%Y-%m-%d %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg)."
  echo
  median_table "$work"/start-*.json
  echo
  echo "On the default bridge network (CNI bridge + host-local; the network's own rules) against --network none:"
  echo
  median_table "$work"/bridge-*.json
  echo
  if ls "$work"/docker-*.json >/dev/null 2>&1; then
    echo "Against Docker (Docker's CPU column is its client only; compare by wall time):"
    echo
    median_table "$work"/docker-*.json
    echo
  fi
  echo "run -d, stop and rm against the matching bare runc operation (stop: the container ends on SIGTERM):"
  echo
  median_table "$work"/detach-*.json
  echo
  median_table "$work"/stop-*.json
  echo
  median_table "$work"/rm-*.json
  echo
  echo "50 containers started detached one after another (\`rocker run -d --network none busybox sleep 1000\`): ${detached_ms} ms in all, $((detached_ms / 50)) ms each."
  echo
  echo "### rocker ps with ${listed} containers"
  echo
  median_table "$work"/ps-*.json
} >"$out"
echo "run-bench: results in $out"
