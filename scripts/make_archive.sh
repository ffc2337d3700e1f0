#!/usr/bin/env bash
# Makes the portable archive dtoken-<version>-linux-x86_64.tar.gz: dtoken and dtoken-mock (linked
# so that they need only glibc: DTOKEN_STATIC_PROGRAMS), their man pages and completions, and
# LICENSE, from the install rules' cli and mock components of a built tree.
# Usage: make_archive.sh BUILD_DIR OUTPUT_DIR
set -euo pipefail
build=$1
output=$2
version=$("$build/tools/dtoken" --version | sed -n 's/^dtoken //p')
name="dtoken-$version-linux-$(uname -m)"
staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
for component in cli mock; do
  cmake --install "$build" --component "$component" --prefix "$staging/$name" --strip >/dev/null
done
cp "$(dirname "$0")/../LICENSE" "$staging/$name/"
mkdir -p "$output"
tar -C "$staging" --owner=0 --group=0 --sort=name -czf "$output/$name.tar.gz" "$name"
echo "$output/$name.tar.gz"
