#!/bin/bash
# Builds every fuzz target the way OSS-Fuzz and ClusterFuzzLite do: the compiler, the flags and
# the engine come from $CC, $CXX, $CFLAGS, $CXXFLAGS and $LIB_FUZZING_ENGINE; each target goes to
# $OUT with its dictionary (fuzz_x.dict) and its seed corpus (fuzz_x_seed_corpus.zip).
# OpenSSL's libcrypto and SQLite are linked statically, so that the targets run on the runner
# image, which has neither; Boost is used as headers and sources only (fuzz/boost_json.cc).
# Run from anywhere; $SRC defaults to the checkout's parent, $WORK to a scratch directory.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
: "${OUT:?set OUT to the directory that receives the targets}"
: "${LIB_FUZZING_ENGINE:=-fsanitize=fuzzer}"
: "${WORK:=$(mktemp -d)}"
sqlite=$(find /usr/lib /usr/local/lib -name libsqlite3.a 2>/dev/null | head -n 1)
if [ -z "$sqlite" ]; then
  echo "build.sh: libsqlite3.a not found (install libsqlite3-dev)" >&2
  exit 1
fi
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
cmake -S "$root" -B "$WORK/dtoken-fuzz" "${generator[@]}" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DDTOKEN_BUILD_FUZZERS=ON -DDTOKEN_FUZZ_LDFLAGS="$LIB_FUZZING_ENGINE" \
  -DDTOKEN_BUILD_TESTS=OFF -DDTOKEN_BUILD_TOOLS=OFF -DDTOKEN_BUILD_MOCK=OFF \
  -DDTOKEN_BUILD_BENCH=OFF -DDTOKEN_INSTALL=OFF \
  -DOPENSSL_USE_STATIC_LIBS=TRUE -DSQLite3_LIBRARY="$sqlite" \
  -DCMAKE_CXX_STANDARD_LIBRARIES="-lm -ldl -lpthread"
cmake --build "$WORK/dtoken-fuzz" --target all_fuzzers
mkdir -p "$OUT"
for source in "$root"/fuzz/fuzz_*.cc; do
  name=$(basename "$source" .cc)
  cp "$WORK/dtoken-fuzz/fuzz/$name" "$OUT/"
  cp "$root/fuzz/$name.dict" "$OUT/"
  rm -f "$OUT/${name}_seed_corpus.zip"
  (cd "$root/fuzz/corpus/$name" && zip -q -r "$OUT/${name}_seed_corpus.zip" .)
done
echo "build.sh: $(ls "$root"/fuzz/fuzz_*.cc | wc -l) targets in $OUT"
