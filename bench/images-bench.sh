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
[ -n "${ROCKER_BEFORE:-}" ] && before=("$ROCKER_BEFORE --version" "$ROCKER_BEFORE images")
hyperfine -N --warmup 3 --runs 30 'bin/rocker --version' 'bin/rocker images' 'bin/rocker images --format json' "${before[@]}" \
  --export-markdown "$results/images.md"
