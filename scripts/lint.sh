#!/usr/bin/env bash
# Fails when clang-format would change any C++ source (style: .clang-format).
set -euo pipefail
cd "$(dirname "$0")/.."
git ls-files -- '*.cc' '*.h' | xargs clang-format --dry-run --Werror
echo "lint: clang-format leaves $(git ls-files -- '*.cc' '*.h' | wc -l) files unchanged"
