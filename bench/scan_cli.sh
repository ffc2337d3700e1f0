#!/usr/bin/env bash
# `dtoken scan` against ripgrep on one large file in the page cache, and peak memory of scanning
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

# best of 3, in seconds
best() {
  local best="" start end took
  for _ in 1 2 3; do
    start=$(date +%s.%N)
    "$@" >/dev/null || true
    end=$(date +%s.%N)
    took=$(echo "$end - $start" | bc -l)
    if [ -z "$best" ] || [ "$(echo "$took < $best" | bc -l)" -eq 1 ]; then best=$took; fi
  done
  echo "$best"
}

dtoken_count=$("$dtoken" scan --format jsonl "$corpus" | wc -l || true)
rg_count=$(rg -c -o "$regex" "$corpus" || true)
echo "findings: dtoken $dtoken_count, ripgrep $rg_count (lines with matches: $(rg -c "$regex" "$corpus" || true))"
dtoken_time=$(best "$dtoken" scan "$corpus")
rg_time=$(best rg -c -o "$regex" "$corpus")
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
