#!/usr/bin/env bash
# Runs every code example of vectors/README.md from the vectors directory: C++ (compiled against
# dtoken and Boost.JSON), Python (Debian's python3), JavaScript (node) and Go (go run).
# Usage: readme_examples.sh VECTORS_DIR CXX INCLUDE_DIR GENERATED_INCLUDE_DIR LIBRARY
set -u
vectors=$1 cxx=$2 include_dir=$3 generated_include_dir=$4 library=$5
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GOCACHE="$work/gocache" GOPATH="$work/gopath" GOFLAGS=-mod=mod GO111MODULE=auto

# Extract each fenced block: example_<n>.<language>.
awk -v dir="$work" '
  /^```(cpp|python|javascript|go)$/ { lang = substr($0, 4); n++; file = dir "/example_" n "." lang; next }
  /^```$/ { file = ""; next }
  file != "" { print > file }
' "$vectors/README.md"

passes=0
failures=0
for example in "$work"/example_*; do
  language=${example##*.}
  case $language in
    cpp) run=("$work/cpp_example")
         "$cxx" -std=c++20 -x c++ "$example" -x none -I"$include_dir" -I"$generated_include_dir" \
           "$library" -lboost_json -o "$work/cpp_example" || run=(false) ;;
    # (with no network at all where unshare can make that: the schema example must stay offline)
    python) run=(/usr/bin/python3 "$example")
            unshare --net true 2>/dev/null && run=(unshare --net /usr/bin/python3 "$example") ;;
    javascript) run=(node "$example") ;;
    go) cp "$example" "$work/main.go"; run=(go run "$work/main.go") ;;
  esac
  if output=$(cd "$vectors" && "${run[@]}" 2>&1); then
    echo "$output"
    passes=$((passes + 1))
  else
    echo "FAIL: the $language example of vectors/README.md"
    echo "$output" | sed 's/^/  /'
    failures=$((failures + 1))
  fi
done
[ $((passes + failures)) -eq 5 ] || { echo "expected 5 examples, found $((passes + failures))"; failures=$((failures + 1)); }
echo "$passes passed, $failures failed"
[ "$failures" -eq 0 ]
