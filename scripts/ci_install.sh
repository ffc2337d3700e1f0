#!/usr/bin/env bash
# Installs dtoken from its portable archive for a CI job (the GitHub Action, the GitLab template):
# DTOKEN_ARCHIVE is a path or a URL; empty, the release archive of this checkout's version from
# DTOKEN_ACTION_REPOSITORY on GitHub. Unpacks it under RUNNER_TEMP (or TMPDIR) and puts its bin/
# on the PATH: GITHUB_PATH when GitHub gives one, else it prints the directory.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
version=$(sed -n 's/^  VERSION \([0-9.]*\)$/\1/p' "$here/CMakeLists.txt")
name="dtoken-$version-linux-$(uname -m)"
archive=${DTOKEN_ARCHIVE:-}
if [ -z "$archive" ]; then
  archive="https://github.com/${DTOKEN_ACTION_REPOSITORY:?no archive given}/releases/download/v$version/$name.tar.gz"
fi
target="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/dtoken-ci"
mkdir -p "$target"
if [ -f "$archive" ]; then
  tar -C "$target" -xzf "$archive"
else
  curl -fsSL "$archive" | tar -C "$target" -xz
fi
bin="$target/$name/bin"
"$bin/dtoken" --version
if [ -n "${GITHUB_PATH:-}" ]; then echo "$bin" >>"$GITHUB_PATH"; else echo "$bin"; fi
