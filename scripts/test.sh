#!/usr/bin/env bash
# The whole test suite: type check, unit tests, then end-to-end tests that run
# the real bin/rocker and bin/ocx (built first) against real runc, dockerd and
# a registry, which the tests start themselves. Needs root.
#
# Every runner runs even when an earlier one fails (a unit failure must not hide
# the end-to-end results), and the last line is the total over all of them,
# `N passed, N failed, N skipped`, which CI reads. A failed type check or build
# counts as one failure. Exits non-zero when anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
bun=node_modules/.bin/bun
[ -x "$bun" ] || { echo "test: run 'npm ci' first (or scripts/setup.sh)" >&2; exit 1; }
# In CI a test that cannot run here fails instead of skipping (test/helpers/require.ts).
if [ -n "${CI:-}" ]; then export ROCKER_TEST_REQUIRE_ALL=1; fi

passed=0 failed=0 skipped=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT

step() { # a runner with no test count of its own: only its failure counts
  "$@" || failed=$((failed + 1))
}

# bun test ends with lines like " 12 pass", " 1 fail", " 3 skip"; a runner that
# dies before printing them (or exits non-zero with none failing) counts as one failure.
bun_tests() {
  "$bun" test --timeout 600000 "$@" 2>&1 | tee "$out"
  local rc=${PIPESTATUS[0]} p f s
  p=$(sed -n 's/^ \([0-9]\+\) pass$/\1/p' "$out" | tail -n 1)
  f=$(sed -n 's/^ \([0-9]\+\) fail$/\1/p' "$out" | tail -n 1)
  s=$(sed -n 's/^ \([0-9]\+\) skip$/\1/p' "$out" | tail -n 1)
  passed=$((passed + ${p:-0})) failed=$((failed + ${f:-0})) skipped=$((skipped + ${s:-0}))
  if [ "$rc" -ne 0 ] && [ "${f:-0}" -eq 0 ]; then failed=$((failed + 1)); fi
}

step npx --no-install tsc --noEmit
step npm run build --silent
bun_tests test/unit
bun_tests test/e2e   # ocx's files against Docker
# ocx's end-to-end files once more per engine (test/helpers/ocx-engine.ts):
# all of them on rocker, with no daemon and docker/podman off the PATH; on
# Podman, where it is installed, the files that build, run and prune (its
# builds are the slowest: the whole set would not fit CI's time).
OCX_TEST_ENGINE=rocker bun_tests test/e2e/ocx-
if command -v podman >/dev/null; then
  OCX_TEST_ENGINE=podman bun_tests test/e2e/ocx-build.test test/e2e/ocx-build-promises test/e2e/ocx-image-promises test/e2e/ocx-run-promises
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
