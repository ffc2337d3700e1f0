#!/usr/bin/env bash
# fuzz/build.sh in an environment like OSS-Fuzz's builder (clang, ASan and coverage flags in
# CFLAGS/CXXFLAGS, the engine in LIB_FUZZING_ENGINE, targets to $OUT): every target is built,
# has its dictionary and seed corpus beside it, depends on no library the runner image lacks,
# and runs its seed corpus clean. (OSS-Fuzz also adds -stdlib=libc++; Debian's libFuzzer is built
# against libstdc++, so this test keeps libstdc++.)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export CC=clang CXX=clang++
export CFLAGS="-O1 -fno-omit-frame-pointer -gline-tables-only -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION -fsanitize=address -fsanitize-address-use-after-scope -fsanitize=fuzzer-no-link"
export CXXFLAGS="$CFLAGS"
export LIB_FUZZING_ENGINE=-fsanitize=fuzzer
export OUT=$scratch/out WORK=$scratch/work
"$root/fuzz/build.sh"
count=0
for source in "$root"/fuzz/fuzz_*.cc; do
  name=$(basename "$source" .cc)
  target=$OUT/$name
  [ -x "$target" ] || { echo "FAIL: $name was not built"; exit 1; }
  [ -s "$OUT/$name.dict" ] || { echo "FAIL: $name has no dictionary"; exit 1; }
  [ -s "$OUT/${name}_seed_corpus.zip" ] || { echo "FAIL: $name has no seed corpus"; exit 1; }
  if ldd "$target" | grep -Eq 'boost|ssl|crypto|sqlite'; then
    echo "FAIL: $name needs a library the runner image does not have:"
    ldd "$target"
    exit 1
  fi
  seeds=$scratch/seeds-$name
  mkdir -p "$seeds"
  (cd "$seeds" && unzip -q "$OUT/${name}_seed_corpus.zip")
  [ -n "$(ls -A "$seeds")" ] || { echo "FAIL: $name's seed corpus is empty"; exit 1; }
  if ! "$target" -runs=0 -dict="$OUT/$name.dict" "$seeds" >"$scratch/$name.log" 2>&1; then
    echo "FAIL: $name on its seed corpus:"
    tail -n 30 "$scratch/$name.log"
    exit 1
  fi
  count=$((count + 1))
done
echo "PASS: fuzz/build.sh built $count targets that run their seed corpora"
