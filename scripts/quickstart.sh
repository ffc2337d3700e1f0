#!/usr/bin/env bash
# Quick start: installs what is missing, builds dtoken, and starts the mock server dtoken-mock on
# an in-memory state. It prints its URL and a new admin token, then serves until Ctrl-C.
# Extra arguments go to dtoken-mock (for example --port 0).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh build/release -DCMAKE_BUILD_TYPE=Release -DDTOKEN_BUILD_TESTS=OFF \
  -DDTOKEN_BUILD_BENCH=OFF >/dev/null
echo "Built: build/release/tools/dtoken and build/release/mock-server/dtoken-mock"
exec build/release/mock-server/dtoken-mock "$@"
