#!/usr/bin/env bash
# The packages and the portable archive, as a user gets them: CPack makes the three Debian
# packages (dtoken, dtoken-mock, libdtoken-dev); each is unpacked with dpkg-deb -x into a
# temporary root and used from there (the programs run, a consumer compiles against the library),
# and lintian reports no error on it. scripts/make_archive.sh makes the archive; ldd shows that its
# programs need nothing but glibc, and they run from the unpacked archive: --version and a scan.
# Usage: package_test.sh BUILD_DIR SOURCE_DIR CXX
set -u
build=$1
source=$2
cxx=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=SCRIPTDIR/../support/check.sh
source "$(dirname "$0")/../support/check.sh"
version=$(sed -n 's/^  VERSION \([0-9.]*\)$/\1/p' "$source/CMakeLists.txt")
token=$("$build/tools/dtoken" generate --seed 3 --type dt0c01)

# The Debian packages.
(cd "$work" && cpack -G DEB -B "$work/debs" --config "$build/CPackConfig.cmake" >"$work/cpack.log" 2>&1) ||
  { echo "FAIL cpack"; cat "$work/cpack.log"; exit 1; }
for package in dtoken dtoken-mock libdtoken-dev; do
  deb=$(find "$work/debs" -name "${package}_${version}_*.deb" | head -n 1)
  [ -n "$deb" ] || { echo "FAIL no package $package"; failures=$((failures + 1)); continue; }
  mkdir -p "$work/root-$package"
  dpkg-deb -x "$deb" "$work/root-$package"
  errors=$(lintian --fail-on error "$deb" 2>&1 | grep -v 'running with root privileges' | grep '^E:' || true)
  check "lintian-$package" "$errors" ""
done
root="$work/root-dtoken"
check deb-dtoken-version "$("$root/usr/bin/dtoken" --version)" "dtoken $version"
check deb-dtoken-man "$(ls "$root/usr/share/man/man1/dtoken-scan.1.gz")" "$root/usr/share/man/man1/dtoken-scan.1.gz"
check deb-dtoken-completion "$(ls "$root/usr/share/bash-completion/completions/dtoken")" "$root/usr/share/bash-completion/completions/dtoken"
check deb-depends "$(dpkg-deb -f "$work"/debs/dtoken_"$version"_*.deb Depends | grep -c libc6)" 1
check deb-mock-version "$("$work/root-dtoken-mock/usr/bin/dtoken-mock" --version)" "dtoken-mock $version"
dev="$work/root-libdtoken-dev/usr"
library=$(find "$dev" -name libdtoken.a | head -n 1)
if "$cxx" -std=c++20 "$source/tests/cmake/consumer.cc" -I"$dev/include" "$library" -lcrypto \
  -o "$work/consumer"; then
  check deb-dev-consumer "$("$work/consumer")" "dtoken $version: ok"
else
  echo "FAIL the consumer does not build against libdtoken-dev"
  failures=$((failures + 1))
fi
check deb-dev-pc "$(find "$dev" -name dtoken.pc | wc -l)" 1
check deb-dev-cmake "$(find "$dev" -name dtoken-config.cmake | wc -l)" 1

# The portable archive.
archive=$(bash "$source/scripts/make_archive.sh" "$build" "$work/archive") ||
  { echo "FAIL make_archive.sh"; exit 1; }
check archive-name "$(basename "$archive")" "dtoken-$version-linux-$(uname -m).tar.gz"
tar -C "$work/archive" -xzf "$archive"
unpacked="$work/archive/dtoken-$version-linux-$(uname -m)"
for program in dtoken dtoken-mock; do
  others=$(ldd "$unpacked/bin/$program" | grep -Ev 'linux-vdso|libc\.so|libm\.so|ld-linux' || true)
  check "archive-ldd-$program" "$others" ""
done
check archive-license "$(head -n 2 "$unpacked/LICENSE" | tail -n 1 | tr -s ' ')" " Apache License"
check archive-man "$(ls "$unpacked/share/man/man1/dtoken.1.gz")" "$unpacked/share/man/man1/dtoken.1.gz"
check archive-version "$("$unpacked/bin/dtoken" --version)" "dtoken $version"
printf 'key=%s\n' "$token" >"$work/leak.env"
check archive-scan "$("$unpacked/bin/dtoken" scan "$work/leak.env"; echo "exit $?")" \
  "$(printf '%s:1:5: dt0c01 %s.***\nexit 1' "$work/leak.env" "${token%.*}")"

finish
