#!/usr/bin/env bash
# `rocker images` with 1,000 imported images, against `rocker --version`
# (issue 15: within 3x). ROCKER_BEFORE=/path/to/an/older/dist/rocker adds
# that build's listing and --version to the same run.
source "$(dirname "$0")/lib.sh"
cd "$top"
work=/var/tmp/rocker-bench-images
export ROCKER_ROOT=$work/root
if [ "$(bin/rocker images -q 2>/dev/null | wc -l)" -lt 1000 ]; then
  rm -rf "$work"; mkdir -p "$work"
  for i in $(seq 1 1000); do
    printf 'image %s\n' "$i" > "$work/f"
    tar -C "$work" -cf "$work/img.tar" f
    bin/rocker import "$work/img.tar" "bench/img$((i % 50)):v$i" >/dev/null
  done
fi
echo "machine: $(machine); images: $(bin/rocker images -q | wc -l); load average $(cut -d' ' -f1-3 /proc/loadavg)"
before=()
[ -n "${ROCKER_BEFORE:-}" ] && before=(-n "before: --version" "$ROCKER_BEFORE --version" -n "before: images" "$ROCKER_BEFORE images")
# Rounds of 10, the commands taking turns: one long block per command let the
# machine's drift decide (a single hyperfine run once put the same build 20% apart).
rounds=$(mktemp -d)
trap 'rm -rf "$rounds"' EXIT
for round in 1 2 3 4 5; do
  hyperfine -N --warmup 2 --runs 10 --export-json "$rounds/images-$round.json" \
    -n "rocker --version" 'bin/rocker --version' -n "rocker images" 'bin/rocker images' -n "rocker images --format json" 'bin/rocker images --format json' "${before[@]}" >/dev/null
done
median_table "$rounds"/images-*.json | tee "$results/images.md"
