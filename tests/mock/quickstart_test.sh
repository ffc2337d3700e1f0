#!/usr/bin/env bash
# The README's first quick-start command: scripts/quickstart.sh installs, builds and starts
# dtoken-mock, which prints its URL and an admin token that works. Run by scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
bash scripts/quickstart.sh --port 0 --port-file "$work/port" >"$work/out" 2>"$work/err" &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1200); do
  [ -s "$work/port" ] && grep -q "admin token" "$work/out" && break
  kill -0 $pid 2>/dev/null || { cat "$work/out" "$work/err"; echo "FAIL quickstart: the mock did not start"; exit 1; }
  sleep 0.5
done
port=$(cat "$work/port")
grep -q "listening on http://127.0.0.1:$port" "$work/out" || { cat "$work/out"; echo "FAIL quickstart: no URL"; exit 1; }
token=$(sed -n 's/^admin token (shown once, every scope): //p' "$work/out")
status=$(/usr/bin/python3 - "$port" "$token" <<'PY'
import sys, urllib.request
request = urllib.request.Request(f"http://127.0.0.1:{sys.argv[1]}/api/v2/apiTokens",
                                 headers={"Authorization": f"Api-Token {sys.argv[2]}"})
print(urllib.request.urlopen(request).status)
PY
)
[ "$status" = 200 ] || { echo "FAIL quickstart: the admin token got $status"; exit 1; }
kill -TERM $pid
wait $pid
echo "quickstart_test: the mock started, its admin token works, and it stopped on SIGTERM"
