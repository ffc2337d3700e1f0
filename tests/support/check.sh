# The shared helpers of the shell tests. Source it (`source "$(dirname "$0")/../support/check.sh"`):
#   check NAME ACTUAL EXPECTED   counts a pass, or prints both values and counts a failure
#   fail MESSAGE                 prints the message and counts a failure
#   skip MESSAGE                 a missing prerequisite: prints the message (which names the command
#                                that installs it) and exits 77, which CTest reports as skipped; with
#                                DTOKEN_REQUIRE_ALL set (scripts/test.sh and CI) it exits 1: in CI
#                                nothing skips
#   finish                       prints the counts; its status is 1 when anything failed
# shellcheck shell=bash
failures=0
passes=0

check() {
  if [ "$2" == "$3" ]; then
    passes=$((passes + 1))
  else
    echo "FAIL $1: got [$2], expected [$3]"
    failures=$((failures + 1))
  fi
}

fail() {
  echo "FAIL $1"
  failures=$((failures + 1))
}

skip() {
  echo "$1"
  [ -n "${DTOKEN_REQUIRE_ALL:-}" ] && exit 1
  exit 77
}

finish() {
  echo "$passes passed, $failures failed"
  [ "$failures" -eq 0 ]
}
