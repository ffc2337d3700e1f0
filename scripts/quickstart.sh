#!/usr/bin/env bash
# Quick start: installs what is missing, builds dtoken, and shows it at work on the example token
# of Dynatrace's documentation.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh build/release -DCMAKE_BUILD_TYPE=Release -DDTOKEN_BUILD_TESTS=OFF \
  -DDTOKEN_BUILD_BENCH=OFF >/dev/null
echo
echo "dtoken is built: build/release/tools/dtoken. The example token of Dynatrace's docs:"
echo
build/release/tools/dtoken inspect \
  dt0s01.ST2EY72KQINMH574WMNVI7YN.G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM
