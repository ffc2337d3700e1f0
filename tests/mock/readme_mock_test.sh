#!/usr/bin/env bash
# Runs the README's examples of pointing clients at dtoken-mock, as they are written: the block
# after "<!-- readme_mock_test: sh -->" with bash (dtoken and dtoken-mock on PATH), and the block
# after "<!-- readme_mock_test: js -->" with node against a mock started here. Checks their output.
# Usage: readme_mock_test.sh README.md PATH/TO/dtoken PATH/TO/dtoken-mock NODE_MODULES_DIR
set -euo pipefail
readme=$1
dtoken=$2
mock=$3
modules=$4
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$work/bin"
ln -s "$dtoken" "$work/bin/dtoken"
ln -s "$mock" "$work/bin/dtoken-mock"
export PATH="$work/bin:$PATH"

# The fenced block after a marker line.
block() {
  awk -v marker="<!-- readme_mock_test: $1 -->" '
    $0 == marker { found = 1; next }
    found && /^```/ { if (inside) exit; inside = 1; next }
    inside { print }' "$readme"
}
block sh > "$work/example.sh"
block js > "$work/example.js"
[ -s "$work/example.sh" ] && [ -s "$work/example.js" ] || { echo "FAIL: README blocks not found"; exit 1; }

cd "$work"
output=$(bash -euo pipefail example.sh)
echo "$output"
failures=0
expect() {  # expect NAME PYTHON-CONDITION-ON-LINES
  if ! python3 -c "import json, sys; lines = sys.stdin.read().splitlines(); sys.exit(0 if ($2) else 1)" <<< "$output"; then
    echo "FAIL: $1"
    failures=$((failures + 1))
  fi
}
expect "lookup answers the new token's metadata" 'json.loads(lines[0])["name"] == "ci"'
expect "the fault rule is added" '"id" in json.loads(lines[1])'
expect "the fault answers 503" 'lines[2] == "503"'
expect "the journal has the 503" 'json.loads(lines[3])["entries"][0]["status"] == 503'
expect "reset answers" 'lines[4].startswith("{")'
expect "HTTPS with the fetched certificate" 'json.loads(lines[5])["totalCount"] == 1'

# The SDK block, against a mock started here.
admin=$(dtoken generate --label readme-sdk)
dtoken-mock --port 0 --port-file sdk-port --admin-token "$admin" --quiet > /dev/null &
while [ ! -s sdk-port ]; do sleep 0.1; done
count=$(DT_URL="http://127.0.0.1:$(cat sdk-port)" DT_TOKEN="$admin" NODE_PATH="$modules" node example.js)
if [ "$count" != 1 ]; then
  echo "FAIL: the SDK example printed '$count', not 1"
  failures=$((failures + 1))
fi
echo "readme_mock_test: $failures failures"
[ "$failures" -eq 0 ]
