#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test:
#  1. g++ 12, warnings as errors: the whole CTest suite (unit, property, cli, install, fuzz replay
#     through replay_main, bench smoke run);
#  2. clang 14, warnings as errors: the fuzz targets with libFuzzer, ASan and UBSan, each replaying
#     its corpus and then fuzzing for DTOKEN_FUZZ_SECONDS (default 30) seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh

echo "== g++: build and test"
bash scripts/build.sh build/gcc -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=g++ \
  -DDTOKEN_WERROR=ON -DDTOKEN_BUILD_FUZZERS=ON
ctest --test-dir build/gcc --output-on-failure --parallel "$(nproc)"

echo "== clang: fuzz targets with libFuzzer, ASan and UBSan"
bash scripts/build.sh build/clang -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  -DDTOKEN_WERROR=ON -DDTOKEN_BUILD_FUZZERS=ON -DDTOKEN_BUILD_TESTS=OFF -DDTOKEN_BUILD_BENCH=OFF
bash scripts/fuzz.sh build/clang "${DTOKEN_FUZZ_SECONDS:-30}"
