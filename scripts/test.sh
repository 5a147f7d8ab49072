#!/usr/bin/env bash
# Set-up (with the test dependencies), then the whole suite: typecheck, unit tests,
# integration tests on real FUSE mounts and cgroups, and the differential tests against
# the reference lxcfs. Ends with a plain "N passed, N failed" line.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
npm run typecheck
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
npx tap --reporter=base 2>&1 | tee "$log" || status=$?
bash scripts/after-tests.sh || status=1
summary=$(grep -E '^# \{ total:' "$log" | tail -n 1 || true)
pass=$(sed -nE 's/.*pass: ([0-9]+).*/\1/p' <<<"$summary")
fail=$(sed -nE 's/.*fail: ([0-9]+).*/\1/p' <<<"$summary")
echo "${pass:-0} passed, ${fail:-0} failed"
[[ -n "$summary" ]] || status=1
exit "$status"
