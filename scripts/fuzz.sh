#!/usr/bin/env bash
# Runs every fuzz target of a clang build with libFuzzer for SECONDS seconds, with its dictionary,
# starting from a scratch copy of its committed corpus (which libFuzzer replays first). A crash or
# an oracle failure fails the script and leaves the reproducer in BUILD_DIR/fuzz-findings/.
# Usage: fuzz.sh BUILD_DIR SECONDS
set -euo pipefail
build=$1
seconds=$2
root=$(cd "$(dirname "$0")/.." && pwd)
findings="$build/fuzz-findings"
mkdir -p "$findings"
for target in "$build"/fuzz/fuzz_*; do
  [ -x "$target" ] || continue
  name=$(basename "$target")
  scratch=$(mktemp -d)
  cp -r "$root/fuzz/corpus/$name/." "$scratch/"
  echo "fuzzing $name for ${seconds}s"
  status=0
  "$target" -max_total_time="$seconds" -dict="$root/fuzz/$name.dict" -print_final_stats=1 \
    -artifact_prefix="$findings/$name-" "$scratch" >"$findings/$name.log" 2>&1 || status=$?
  rm -rf "$scratch"
  grep -E '^stat::number_of_executed_units' "$findings/$name.log" | sed "s/^/  $name /" || true
  if [ "$status" -ne 0 ]; then
    echo "$name failed (exit $status):"
    tail -n 40 "$findings/$name.log"
    ls "$findings"
    exit 1
  fi
done
