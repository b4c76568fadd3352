#!/usr/bin/env bash
# The whole test suite: type check, unit tests, then end-to-end tests that run
# the real bin/rocker and bin/ocx (built first) against real runc, dockerd and
# a registry, which the tests start themselves. Needs root.
set -euo pipefail
cd "$(dirname "$0")/.."
bun=node_modules/.bin/bun
[ -x "$bun" ] || { echo "test: run 'npm ci' first (or scripts/setup.sh)" >&2; exit 1; }
npx --no-install tsc --noEmit
npm run build --silent
"$bun" test --timeout 600000 test/unit
"$bun" test --timeout 600000 test/e2e
