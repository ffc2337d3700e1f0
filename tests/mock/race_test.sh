#!/usr/bin/env bash
# dtoken-mock under ThreadSanitizer: lists that read the last use (and the default list) under
# wrk while another client creates, reads and deletes tokens and rotates the tenant token, for 10
# seconds; meanwhile the control plane adds and removes fault rules (a latency rule on the lists,
# a mutation on the writer's gets), reads the journal and moves the test clock. Fails on any
# report of ThreadSanitizer. Read-only operations run in parallel under a shared lock (api.cc);
# this checks that nothing they read is written meanwhile.
# Usage: race_test.sh TSAN_BUILD_DIR DTOKEN_CLI
set -euo pipefail
build=$1
dtoken=$2
scratch=$(mktemp -d)
trap 'kill "$mock" 2>/dev/null || true; rm -rf "$scratch"' EXIT
"$dtoken" generate --count 2000 --label race --format jsonl > "$scratch/seeds.jsonl"
admin=$("$dtoken" generate --label race-admin)
TSAN_OPTIONS=halt_on_error=0 "$build/mock-server/dtoken-mock" --port 0 --port-file "$scratch/port" \
  --quiet --threads 4 --seed-file "$scratch/seeds.jsonl" --admin-token "$admin" --control-key k \
  > "$scratch/out" 2> "$scratch/err" &
mock=$!
for _ in $(seq 200); do [ -s "$scratch/port" ] && break; sleep 0.1; done
url="http://127.0.0.1:$(cat "$scratch/port")"
auth="Authorization: Api-Token $admin"
wrk -t1 -c8 -d10s -H "$auth" \
  "$url/api/v2/apiTokens?fields=%2BlastUsedDate%2C%2BlastUsedIpAddress&sort=-lastUsedDate" > /dev/null &
readers=$!
wrk -t1 -c8 -d10s -H "$auth" "$url/api/v2/apiTokens" > /dev/null &
default_readers=$!
python3 - "$url" "$admin" <<'PY'
import json, sys, time, urllib.error, urllib.request
url, admin = sys.argv[1], sys.argv[2]
def call(method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url + path, method=method, data=data, headers={
        "Authorization": "Api-Token " + admin, "Content-Type": "application/json",
        "X-Dtoken-Control-Key": "k"})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return json.loads(answer.read() or b"null")
    except urllib.error.HTTPError:
        return None
end, rounds = time.time() + 9, 0
while time.time() < end:
    token = call("POST", "/api/v2/apiTokens", {"name": "race", "scopes": ["metrics.read"]})
    call("GET", "/api/v2/apiTokens/" + token["id"])
    call("POST", "/api/v2/apiTokens/lookup", {"token": token["token"]})
    call("DELETE", "/api/v2/apiTokens/" + token["id"])
    call("POST", "/api/v2/tenantTokenRotation/start")
    call("POST", "/api/v2/tenantTokenRotation/cancel")
    rule = call("POST", "/_dtoken/faults", {"kind": "latency", "path": "v2/apiTokens",
                                            "method": "GET", "latency_ms": 1, "share": 0.1})
    mutation = call("POST", "/_dtoken/faults", {"kind": "mutate", "path": "v2/apiTokens/dt0c01"})
    call("GET", "/api/v2/apiTokens/" + token["id"])
    call("GET", "/_dtoken/journal/count?status=200")
    call("POST", "/_dtoken/clock", {"advance": "1m"})
    call("DELETE", "/_dtoken/faults/%d" % rule["id"])
    call("DELETE", "/_dtoken/faults/%d" % mutation["id"])
    rounds += 1
print(f"race_test: {rounds} rounds of writes beside two wrk readers")
PY
wait "$readers" "$default_readers"
kill "$mock"
wait "$mock" 2>/dev/null || true
reports=$(grep -c "WARNING: ThreadSanitizer" "$scratch/err" || true)
if [ "$reports" != 0 ]; then
  grep -A40 "WARNING: ThreadSanitizer" "$scratch/err" | head -120
  echo "race_test: $reports ThreadSanitizer reports"
  exit 1
fi
echo "race_test: no ThreadSanitizer report"
