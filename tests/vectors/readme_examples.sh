#!/usr/bin/env bash
# Runs every code example of vectors/README.md from the vectors directory: C++ (compiled against
# dtoken and Boost.JSON), Python (Debian's python3), JavaScript (node), Go (go run), and the shell
# commands that fuzz the example target with the dictionary and seeds (in a copy of the directory).
# Usage: readme_examples.sh VECTORS_DIR CXX INCLUDE_DIR GENERATED_INCLUDE_DIR LIBRARY
set -u
vectors=$1 cxx=$2 include_dir=$3 generated_include_dir=$4 library=$5
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GOCACHE="$work/gocache" GOPATH="$work/gopath" GOFLAGS=-mod=mod GO111MODULE=auto

# Extract each fenced block: example_<n>.<language>.
awk -v dir="$work" '
  /^```(cpp|python|javascript|go|sh)$/ { lang = substr($0, 4); n++; file = dir "/example_" n "." lang; next }
  /^```$/ { file = ""; next }
  file != "" { print > file }
' "$vectors/README.md"

# The fuzzing example must have read the whole dictionary and every seed (libFuzzer says so).
fuzzed() {
  [ "$1" = sh ] || return 0
  local entries seeds
  entries=$(grep -c '^[a-z_0-9]*=' "$vectors/fuzz/dtoken.dict")
  seeds=$(find "$vectors/fuzz/seeds" -type f | wc -l)
  [[ "$2" == *"Dictionary: $entries entries"* ]] || { echo "the dictionary's $entries entries were not all read"; return 1; }
  [[ "$2" == *"seed corpus: files: $seeds "* ]] || { echo "the $seeds seeds were not all read"; return 1; }
  echo "sh: the example fuzz target ran from $seeds seeds with $entries dictionary entries"
}

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
    sh) cp -r "$vectors" "$work/copy"; run=(bash -e "$example") ;;
  esac
  directory=$vectors
  [ "$language" = sh ] && directory="$work/copy"
  if output=$(cd "$directory" && "${run[@]}" 2>&1) && fuzzed "$language" "$output"; then
    echo "$output"
    passes=$((passes + 1))
  else
    echo "FAIL: the $language example of vectors/README.md"
    echo "$output" | sed 's/^/  /'
    failures=$((failures + 1))
  fi
done
[ $((passes + failures)) -eq 6 ] || { echo "expected 6 examples, found $((passes + failures))"; failures=$((failures + 1)); }
echo "$passes passed, $failures failed"
[ "$failures" -eq 0 ]
