#!/usr/bin/env bash
# Installs what dtoken needs to build and test, from Debian 12 packages only. Idempotent, and quiet
# when everything is there already. Run as root (or with sudo).
set -euo pipefail

packages=(
  # toolchain: g++ 12 and clang 14 (with libFuzzer and the sanitizer runtimes), CMake, Ninja
  g++ clang libclang-rt-14-dev cmake ninja-build pkg-config binutils clang-format git
  # libraries
  libboost1.81-dev libboost-program-options1.81-dev libboost-regex1.81-dev libboost-json1.81-dev
  librapidcheck-dev libgtest-dev libbenchmark-dev libssl-dev libsqlite3-dev
  # dtoken scan's .dtoken.toml
  libtomlplusplus-dev
  # tests: JSON Schema validation of vectors/ (Debian python3, not a pyenv one), and the
  # vectors/README.md examples in Python, JavaScript and Go; bc for bench/ scripts
  python3 python3-jsonschema python3-yaml nodejs golang-go bc
  # tests: the pytest plugin of integrations/python, installed offline into a virtual environment
  python3-pytest python3-setuptools python3-venv
  # the man pages (help2man, from the programs' --help); the completions' syntax checks (zsh, fish)
  help2man zsh fish
  # the Debian packages: dpkg-shlibdeps (dpkg-dev) and lintian
  # the README's pre-commit example, run by tests/cli/pre_commit_test.sh
  pre-commit
  dpkg-dev lintian
  # tests: fuzz/build.sh packs seed corpora (zip, unzip); the mock's soak test (wrk); the
  # README's mock examples (curl, and the openssl command that fetches the mock's certificate)
  zip unzip wrk curl openssl
  # bench/ only: the scanners dtoken is measured against; nginx, the limit for dtoken-mock
  # (bench/mock_wrk.sh runs its own nginx on a free port; the package's service is not needed)
  libhyperscan-dev libpcre2-dev libre2-dev ripgrep time nginx
)

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
  [ "$status" = "installed" ] || missing+=("$package")
done
# npm comes with NodeSource's nodejs; Debian's own nodejs needs Debian's npm package beside it.
command -v npm >/dev/null 2>&1 || missing+=(npm)

if [ ${#missing[@]} -ne 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The npm packages of the tests (tests/node/package-lock.json), installed again when the lock
# file changes. npm does not run install scripts here, so the multitool is made executable below.
node_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/../tests/node" && pwd)
if ! cmp -s "$node_dir/package-lock.json" "$node_dir/node_modules/.dtoken-lock"; then
  echo "install-deps: npm ci in tests/node"
  (cd "$node_dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  cp "$node_dir/package-lock.json" "$node_dir/node_modules/.dtoken-lock"
fi
chmod u+x "$node_dir/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
