#!/usr/bin/env bash
# Process start, the floor under every command: the shipped launchers
# against the bare start of Node and of Bun.
source "$(dirname "$0")/lib.sh"
cd "$top"
echo "machine: $(machine)"
# ROCKER_BEFORE=/path/to/an/older/dist/rocker puts that build beside this one.
before=()
[ -n "${ROCKER_BEFORE:-}" ] && before=("$ROCKER_BEFORE --version")
hyperfine -N --warmup 5 --runs 50 \
  'bin/rocker --version' 'bin/ocx --version' 'dist/rocker --version' "${before[@]}" \
  'node -e 0' 'node_modules/.bin/bun -e 0' \
  --export-markdown "$results/startup.md"
