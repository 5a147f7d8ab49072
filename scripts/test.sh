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
count() { sed -nE "s/.*[{ ]$1: ([0-9]+).*/\\1/p" <<<"$summary"; }
pass=$(count pass); fail=$(count fail); skip=$(count skip); todo=$(count todo)
[[ -n "$summary" ]] || { echo "test.sh: tap printed no summary" >&2; status=1; }
# A skipped or unfinished test is a defect here: count it as a failure.
if (( ${skip:-0} + ${todo:-0} > 0 )); then
  echo "test.sh: ${skip:-0} skipped and ${todo:-0} todo assertions" >&2
  status=1
fi
echo "${pass:-0} passed, $(( ${fail:-0} + ${skip:-0} + ${todo:-0} )) failed"
exit "$status"
