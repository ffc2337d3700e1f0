#!/usr/bin/env bash
# dtoken-mock under wrk, against nginx answering a fixed JSON body of the same size (the limit of
# this machine), in one run: requests per second, p99 latency and their ratios for
#   - the authenticated GET /api/v2/apiTokens/{id},
#   - POST /api/v2/apiTokens/lookup,
#   - the list call GET /api/v2/apiTokens (a page of 200 of the 10,000 stored tokens);
#   - an installer download, GET /api/v1/deployment/installer/agent/unix/default/latest;
# then the mock's memory with 100,000 stored tokens.
# Both servers: keep-alive, no request log (dtoken-mock --quiet, nginx access_log off), two
# workers (the mock's --threads 2, nginx's worker_processes 2). wrk: 2 threads, C connections.
# nginx serves each body as a static file (GET; nginx's static files take no POST), from its
# open-file cache.
# Each case runs ROUNDS times, the mock and nginx alternating, so that a noisy moment of this
# shared machine hits both alike; the medians are compared.
# Usage: bench/mock_wrk.sh BUILD_DIR [SECONDS] [CONNECTIONS] [ROUNDS]   (defaults 5, 64 and 3)
set -euo pipefail
build=$1
seconds=${2:-5}
connections=${3:-64}
rounds=${4:-3}
mock="$build/mock-server/dtoken-mock"
dtoken="$build/tools/dtoken"
scratch=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$scratch"
}
trap cleanup EXIT
chmod 755 "$scratch"  # nginx's workers (user nobody) read the bodies from it

# A free TCP port on 127.0.0.1, for nginx (which cannot take port 0).
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_for() { for _ in $(seq 200); do [ -s "$1" ] && return 0; sleep 0.05; done; echo "no $1" >&2; exit 1; }

# Starts dtoken-mock on a seed file of N tokens; sets mock_pid, mock_port, admin.
start_mock() {
  local count=$1
  "$dtoken" generate --count "$count" --label bench --format jsonl > "$scratch/seeds-$count.jsonl"
  admin=$("$dtoken" generate --label bench-admin)
  rm -f "$scratch/port"
  "$mock" --port 0 --port-file "$scratch/port" --quiet --threads 2 \
    --seed-file "$scratch/seeds-$count.jsonl" --admin-token "$admin" > "$scratch/mock.out" &
  mock_pid=$!
  pids+=("$mock_pid")
  wait_for "$scratch/port"
  mock_port=$(cat "$scratch/port")
}

start_mock 10000
base="http://127.0.0.1:$mock_port"
auth="Authorization: Api-Token $admin"
token=$(sed -n 1p "$scratch/seeds-10000.jsonl" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
id=${token%.*}

# The bodies the mock answers, for nginx to answer the same number of bytes.
curl -sf -H "$auth" "$base/api/v2/apiTokens/$id" > "$scratch/get.json"
curl -sf -H "$auth" -X POST -H 'Content-Type: application/json' -d "{\"token\":\"$token\"}" \
  "$base/api/v2/apiTokens/lookup" > "$scratch/lookup.json"
curl -sf -H "$auth" "$base/api/v2/apiTokens" > "$scratch/list.json"
installer_path=/api/v1/deployment/installer/agent/unix/default/latest
curl -sf -H "$auth" "$base$installer_path" > "$scratch/installer.json"
python3 - "$scratch/list.json" <<'EOF'
import json, sys
page = json.load(open(sys.argv[1]))
assert page["totalCount"] == 10001 and len(page["apiTokens"]) == 200, (page["totalCount"], len(page["apiTokens"]))
EOF

nginx_port=$(free_port)
mkdir -p "$scratch/nginx"
cat > "$scratch/nginx.conf" <<EOF
worker_processes 2;
pid $scratch/nginx/nginx.pid;
error_log $scratch/nginx/error.log;
daemon off;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 100000000;
  keepalive_timeout 60s;
  client_body_temp_path $scratch/nginx;
  proxy_temp_path $scratch/nginx;
  fastcgi_temp_path $scratch/nginx;
  uwsgi_temp_path $scratch/nginx;
  scgi_temp_path $scratch/nginx;
  default_type "application/json;charset=utf-8";
  server {
    listen 127.0.0.1:$nginx_port;
    root $scratch;
    open_file_cache max=16;
    location ~ ^/(get|lookup|list|installer)\$ { try_files /\$1.json =404; }
  }
}
EOF
nginx -c "$scratch/nginx.conf" -p "$scratch/nginx" &
pids+=($!)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$nginx_port/get" >/dev/null && break; sleep 0.05; done
for what in get lookup list installer; do
  size_nginx=$(curl -sf "http://127.0.0.1:$nginx_port/$what" | wc -c)
  size_mock=$(wc -c < "$scratch/$what.json")
  [ "$size_nginx" = "$size_mock" ] || { echo "nginx body for $what: $size_nginx bytes, not $size_mock" >&2; exit 1; }
done

cat > "$scratch/lookup.lua" <<EOF
wrk.method = "POST"
wrk.body = '{"token":"$token"}'
wrk.headers["Content-Type"] = "application/json"
EOF

# wrk's requests per second and p99 latency (ms), and the count of non-2xx answers and errors.
run_wrk() {
  local out
  out=$(wrk -t2 -c"$connections" -d"${seconds}s" --latency "$@")
  python3 - "$out" <<'EOF'
import re, sys
out = sys.argv[1]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", out).groups()
p99 = float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
errors = re.search(r"Socket errors: (.*)", out)
print(f"{rps:.0f} {p99:.2f} {bad.group(1) if bad else 0} {'yes' if errors else 'no'}")
EOF
}

# The median of a list of numbers.
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

printf '%-34s %10s %9s %10s %8s\n' "($connections conn., ${rounds} x ${seconds} s, medians)" \
  "req/s" "p99 ms" "nginx/s" "ratio"
for case in "GET /api/v2/apiTokens/{id}|get|$base/api/v2/apiTokens/$id|" \
            "POST /api/v2/apiTokens/lookup|lookup|$base/api/v2/apiTokens/lookup|$scratch/lookup.lua" \
            "GET /api/v2/apiTokens (200/10001)|list|$base/api/v2/apiTokens|" \
            "GET .../agent/unix/default/latest|installer|$base$installer_path|"; do
  IFS='|' read -r name what url script <<< "$case"
  mock_args=(-H "$auth" "$url")
  nginx_args=("http://127.0.0.1:$nginx_port/$what")
  if [ -n "$script" ]; then
    mock_args=(-s "$script" "${mock_args[@]}")
  fi
  mock_runs=() mock_p99s=() nginx_runs=() nginx_p99s=() ratios=()
  for _ in $(seq "$rounds"); do
    read -r mock_rps mock_p99 mock_bad mock_errors <<< "$(run_wrk "${mock_args[@]}")"
    read -r nginx_rps nginx_p99 _ _ <<< "$(run_wrk "${nginx_args[@]}")"
    [ "$mock_bad" = 0 ] || echo "warning: $mock_bad answers of the mock were not 2xx" >&2
    [ "$mock_errors" = no ] || echo "warning: wrk saw socket errors against the mock" >&2
    mock_runs+=("$mock_rps") mock_p99s+=("$mock_p99") nginx_runs+=("$nginx_rps")
    nginx_p99s+=("$nginx_p99") ratios+=("$(echo "$mock_rps / $nginx_rps" | bc -l)")
  done
  printf '%-34s %10s %9s %10s %7.2fx\n' "$name" "$(printf '%s\n' "${mock_runs[@]}" | median)" \
    "$(printf '%s\n' "${mock_p99s[@]}" | median)" "$(printf '%s\n' "${nginx_runs[@]}" | median)" \
    "$(printf '%s\n' "${ratios[@]}" | median)"
  echo "  (nginx p99 $(printf '%s\n' "${nginx_p99s[@]}" | median) ms; ratios of the rounds:" \
    "$(printf '%.2f ' "${ratios[@]}"))"
done
kill "$mock_pid"
wait "$mock_pid" 2>/dev/null || true

# Memory with 100,000 stored tokens: the peak resident size after loading them and listing all.
start_mock 100000
curl -sf -H "Authorization: Api-Token $admin" \
  "http://127.0.0.1:$mock_port/api/v2/apiTokens?pageSize=10000&fields=%2Bscopes" > /dev/null
rss=$(awk '/VmHWM/ { print int($2 / 1024) }' "/proc/$mock_pid/status")
echo "dtoken-mock with 100,001 stored tokens: peak RSS $rss MiB"
