#!/usr/bin/env bash
# Runs every example of the README: each ```console block holds "$ dtoken ..." commands, each
# followed by the exact output it must print (stdout and stderr together). Any difference fails.
# Usage: readme_test.sh PATH/TO/dtoken README.md
set -u
dtoken=$1
readme=$2
bin_dir=$(mktemp -d)
trap 'rm -rf "$bin_dir"' EXIT
ln -s "$(realpath "$dtoken")" "$bin_dir/dtoken"
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

while IFS= read -r line || [ -n "$line" ]; do
  if [ $in_block -eq 0 ]; then
    [ "$line" == '```console' ] && in_block=1
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
