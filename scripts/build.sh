#!/usr/bin/env bash
# Configures and builds one tree. Usage: build.sh DIR [cmake options...]
# Uses Ninja and both cores; re-running only rebuilds what changed.
set -euo pipefail
dir=$1
shift
cmake -S "$(dirname "$0")/.." -B "$dir" -G Ninja "$@" >/dev/null
cmake --build "$dir" --parallel "${DTOKEN_JOBS:-$(nproc)}"
