#!/usr/bin/env bash
# `dtoken scan` against ripgrep on one large file in the page cache (medians of 11 alternating runs), and peak memory of scanning
# and redacting a 4 GiB stream. Prints throughput, ratios and peak RSS.
# Usage: bench/scan_cli.sh BUILD_DIR [CORPUS_MIB]   (default 256)
set -euo pipefail
build=$1
mib=${2:-256}
dtoken="$build/tools/dtoken"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
corpus="$scratch/corpus.txt"
regex='dt0[a-zA-Z]{1}[0-9]{2}\.[A-Z0-9]{24}\.[A-Z0-9]{64}'
"$build/bench/scan_bench" --corpus_mib="$mib" --write_corpus="$corpus"
cat "$corpus" >/dev/null  # into the page cache

# seconds one run of the command takes
took() {
  local start end
  start=$(date +%s.%N)
  "$@" >/dev/null || true
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}
# the median of a list of numbers
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

dtoken_count=$("$dtoken" scan --format jsonl "$corpus" | wc -l || true)
rg_count=$(rg -c -o "$regex" "$corpus" || true)
echo "findings: dtoken $dtoken_count, ripgrep $rg_count (lines with matches: $(rg -c "$regex" "$corpus" || true))"
# 11 runs of each, alternating, so that a noisy moment of this shared machine hits both alike;
# the medians are compared.
dtoken_runs=() rg_runs=()
for _ in $(seq 11); do
  dtoken_runs+=("$(took "$dtoken" scan "$corpus")")
  rg_runs+=("$(took rg -c -o "$regex" "$corpus")")
done
dtoken_time=$(printf '%s\n' "${dtoken_runs[@]}" | median)
rg_time=$(printf '%s\n' "${rg_runs[@]}" | median)
printf '%-28s %8s %10s\n' "command ($mib MiB)" seconds "MiB/s"
printf '%-28s %8.3f %10.0f\n' "dtoken scan FILE" "$dtoken_time" "$(echo "$mib / $dtoken_time" | bc -l)"
printf '%-28s %8.3f %10.0f\n' "rg -c -o REGEX FILE" "$rg_time" "$(echo "$mib / $rg_time" | bc -l)"
printf 'dtoken scan: %.2f x ripgrep throughput\n' "$(echo "$rg_time / $dtoken_time" | bc -l)"

# Peak memory on a 4 GiB stream (the corpus repeated), for scan and redact.
repeats=$(( (4096 + mib - 1) / mib ))
stream() { for _ in $(seq "$repeats"); do cat "$corpus"; done; }
# (scan exits 1 when it finds tokens: that is expected here)
scan_kib=$( { stream | /usr/bin/time -f %M "$dtoken" scan - >/dev/null; } 2>&1 | tail -n 1 || true)
redact_kib=$( { stream | /usr/bin/time -f %M "$dtoken" redact >/dev/null; } 2>&1 | tail -n 1 || true)
echo "peak RSS on a $((repeats * mib)) MiB stream: scan $((scan_kib / 1024)) MiB, redact $((redact_kib / 1024)) MiB"
