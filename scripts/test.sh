#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test:
#  1. g++ 12, warnings as errors: the whole CTest suite (unit, property, cli, install, fuzz replay
#     through replay_main, bench smoke run, the Debian packages and the portable archive);
#  2. clang 14, warnings as errors: the same suite, with the fuzz targets linked to libFuzzer, ASan
#     and UBSan; then each fuzz target fuzzes for DTOKEN_FUZZ_SECONDS (default 30) seconds;
#     then fuzz/build.sh builds them as OSS-Fuzz would (tests/fuzz/oss_fuzz_build_test.sh);
#  3. clang with ASan and UBSan (build/asan): the suite once more;
#  4. dtoken-mock built with ThreadSanitizer (build/tsan) under concurrent reads and writes;
#  5. the README's quick start: scripts/quickstart.sh builds build/release and starts the mock.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
# Every prerequisite is installed now: a test that would skip for a missing one fails instead.
export DTOKEN_REQUIRE_ALL=1

echo "== g++: build and test"
bash scripts/build.sh build/gcc -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=g++ \
  -DDTOKEN_WERROR=ON -DDTOKEN_BUILD_FUZZERS=ON -DDTOKEN_BUILD_TESTS=ON -DDTOKEN_BUILD_BENCH=ON
ctest --test-dir build/gcc --output-on-failure --parallel "$(nproc)"

echo "== clang: build and test; fuzz targets with libFuzzer, ASan and UBSan"
bash scripts/build.sh build/clang -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=clang++ \
  -DDTOKEN_WERROR=ON -DDTOKEN_BUILD_FUZZERS=ON -DDTOKEN_BUILD_TESTS=ON -DDTOKEN_BUILD_BENCH=ON
# (the packages are made and checked once, from build/gcc)
ctest --test-dir build/clang --output-on-failure --parallel "$(nproc)" -LE package
bash scripts/fuzz.sh build/clang "${DTOKEN_FUZZ_SECONDS:-30}"
bash tests/fuzz/oss_fuzz_build_test.sh

echo "== clang with AddressSanitizer and UndefinedBehaviorSanitizer: the whole suite once more"
# (Without the tests that compile other programs against the installed or built library: those
# programs are not built with the sanitizers, so they cannot link a sanitized libdtoken.a.)
bash scripts/build.sh build/asan -DCMAKE_CXX_COMPILER=clang++ -DDTOKEN_SANITIZE=ON \
  -DDTOKEN_WERROR=ON -DDTOKEN_BUILD_TESTS=ON -DDTOKEN_BUILD_BENCH=OFF
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build/asan --output-on-failure --parallel "$(nproc)" \
  -E '^(readme_test|vectors_readme_examples|consumer_.*)$'

echo "== dtoken-mock and dtoken scan under ThreadSanitizer (tests/mock/race_test.sh, tests/cli/scan_race_test.sh)"
DTOKEN_JOBS=${DTOKEN_JOBS:-$(nproc)}
cmake -S . -B build/tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_CXX_FLAGS=-fsanitize=thread -DCMAKE_EXE_LINKER_FLAGS=-fsanitize=thread \
  -DDTOKEN_BUILD_TESTS=OFF -DDTOKEN_BUILD_BENCH=OFF >/dev/null
cmake --build build/tsan --target dtoken_mock dtoken_cli --parallel "$DTOKEN_JOBS"
bash tests/mock/race_test.sh build/tsan build/gcc/tools/dtoken
bash tests/cli/scan_race_test.sh build/tsan/tools/dtoken build/gcc/tools/dtoken

echo "== the README's quick start: build/release, dtoken-mock started and stopped"
bash tests/mock/quickstart_test.sh
