#!/usr/bin/env bash
# Runs every example of the README: each ```console block holds "$ dtoken ..." commands, each
# followed by the exact output it must print (stdout and stderr together); each ```cpp block is a
# program that must compile against the library and exit 0. Any difference fails.
# Usage: readme_test.sh PATH/TO/dtoken README.md CXX INCLUDE_DIR GENERATED_INCLUDE_DIR LIBRARY
#                       [PATH/TO/dtoken-mock]
set -u
dtoken=$1
readme=$2
cxx=$3
include_dir=$4
generated_include_dir=$5
library=$6
bin_dir=$(mktemp -d)
trap 'rm -rf "$bin_dir"' EXIT
ln -s "$(realpath "$dtoken")" "$bin_dir/dtoken"
[ $# -ge 7 ] && ln -s "$(realpath "$7")" "$bin_dir/dtoken-mock"
export PATH="$bin_dir:$PATH"

passes=0
failures=0
command=""
expected=""
in_block=0

check() {
  [ -n "$command" ] || return 0
  local actual
  actual=$(cd "$(dirname "$readme")" && bash -c "$command" 2>&1)
  if [ "$actual" == "$expected" ]; then
    passes=$((passes + 1))
  else
    failures=$((failures + 1))
    echo "FAIL: \$ $command"
    diff <(printf '%s\n' "$expected") <(printf '%s\n' "$actual") | sed 's/^/  /'
  fi
  command=""
  expected=""
}

cpp_source=""
in_cpp=0
cpp_blocks=0

compile_and_run() {
  cpp_blocks=$((cpp_blocks + 1))
  local source="$bin_dir/example_$cpp_blocks.cc"
  printf '%s\n' "$cpp_source" >"$source"
  if "$cxx" -std=c++20 -I"$include_dir" -I"$generated_include_dir" "$source" "$library" \
      -o "$bin_dir/example_$cpp_blocks" && "$bin_dir/example_$cpp_blocks" >/dev/null; then
    passes=$((passes + 1))
  else
    failures=$((failures + 1))
    echo "FAIL: C++ example $cpp_blocks does not compile or does not exit 0"
  fi
  cpp_source=""
}

while IFS= read -r line || [ -n "$line" ]; do
  if [ $in_cpp -eq 1 ]; then
    if [ "$line" == '```' ]; then
      compile_and_run
      in_cpp=0
    else
      cpp_source+="$line"$'\n'
    fi
    continue
  fi
  if [ $in_block -eq 0 ]; then
    [ "$line" == '```console' ] && in_block=1
    [ "$line" == '```cpp' ] && in_cpp=1
    continue
  fi
  if [ "$line" == '```' ]; then
    check
    in_block=0
  elif [[ "$line" == '$ '* ]]; then
    check
    command=${line#'$ '}
  elif [ -n "$command" ]; then
    expected+="${expected:+$'\n'}$line"
  fi
done <"$readme"

if [ $((passes + failures)) -eq 0 ]; then
  echo "no console example found in $readme"
  exit 1
fi
echo "$passes passed, $failures failed"
[ "$failures" -eq 0 ]
