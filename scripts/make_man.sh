#!/usr/bin/env bash
# Writes the man pages from the programs' own --help and --version, with help2man (Debian's
# help2man): dtoken(1), one page for each command (dtoken-scan(1), ...), and dtoken-mock(1).
# CMake runs it at build time with the programs just built; tests/cli/completions_test.sh checks
# that every option of every --help is in them.
# Usage: make_man.sh DTOKEN DTOKEN_MOCK OUTPUT_DIR
set -euo pipefail
dtoken=$1
mock=$2
out=$3
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
page() {  # page NAME SUMMARY PROGRAM
  help2man --no-info --no-discard-stderr --section=1 --name="$2" --output="$out/$1.1" "$3"
}
page dtoken "offline toolkit for Dynatrace access tokens" "$dtoken"
page dtoken-mock "a stateful mock of a Dynatrace environment's token API" "$mock"
# help2man asks a program for --help and --version: each command gets a small wrapper.
"$dtoken" --help | sed -n 's/^  \([a-z]*\)  *\(.*\)$/\1\t\2/p' | while IFS=$'\t' read -r command summary; do
  wrapper="$work/dtoken-$command"
  # (its --version names the page: "dtoken-scan 0.2.0"; "$1" and "$@" are the wrapper's own)
  # shellcheck disable=SC2016
  printf '#!/bin/sh\n[ "$1" = --version ] && { "%s" --version | sed "s/^dtoken/dtoken-%s/"; exit; }\nexec "%s" %s "$@"\n' \
    "$dtoken" "$command" "$dtoken" "$command" >"$wrapper"
  chmod +x "$wrapper"
  page "dtoken-$command" "$summary" "$wrapper"
done
# Gzipped copies, as Debian installs man pages (-n: no name or time inside, so the same bytes).
for source in "$out"/*.1; do gzip -9nc "$source" >"$source.gz"; done
