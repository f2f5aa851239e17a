#!/usr/bin/env bash
# Runs `go test ARGS…` through gotestsum (bin/, from scripts/test-deps.sh) so
# a run ends with what CI and people need: one line per package, the output
# of each failed test, every skipped test with its reason (unless
# --hide-skips comes first: `make check`'s -short run skips by design), then
# the counts of tests run, passed, failed and skipped, and last gotestsum's
# own "DONE N tests…" line. The exit status is gotestsum's: non-zero on any
# failure or build error.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
runner="$root/bin/gotestsum"
if [ ! -x "$runner" ]; then
  echo "gotest: $runner is missing; run scripts/test-deps.sh" >&2
  exit 1
fi
hide=()
if [ "${1:-}" = --hide-skips ]; then
  hide=(--hide-summary skipped)
  shift
fi

# The counts line is printed just before the DONE line, which must stay the
# last line of the run. DONE reads "DONE 85 tests, 1 skipped, 2 failures in
# 3.2s", leaving out the parts that are zero.
counts='
/^DONE [0-9]+ tests/ {
  ran = skipped = failed = 0
  for (i = 2; i < NF; i++) {
    if ($(i + 1) ~ /^tests/) ran = $i
    if ($(i + 1) ~ /^skipped/) skipped = $i
    if ($(i + 1) ~ /^failure/) failed = $i
  }
  passed = ran - failed - skipped
  if (passed < 0) passed = 0
  printf "tests: %d ran, %d passed, %d failed, %d skipped\n", ran, passed, failed, skipped
}
{ print; fflush() }'

set +e
"$runner" --format pkgname-and-test-fails --format-icons text "${hide[@]}" -- "$@" | awk "$counts"
rc=${PIPESTATUS[0]}
exit "$rc"
