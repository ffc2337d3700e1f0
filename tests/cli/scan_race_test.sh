#!/usr/bin/env bash
# `dtoken scan` of one large file on several threads, under ThreadSanitizer: the threads scan its
# slices, and the one that finishes the slice next in line joins, fingerprints and writes what is
# ready (tools/scan_files.cc, ordered_join). No race is reported, and every format's output is the
# plain build's on one thread, byte for byte.
# Usage: scan_race_test.sh TSAN_DTOKEN PLAIN_DTOKEN
set -euo pipefail
tsan=$1
plain=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# 24 MiB (12 slices of 2 MiB) of log lines, a token every 20-60 KiB, some of them in base64.
"$plain" generate --count 600 --seed 7 --label race >"$work/tokens.txt"
/usr/bin/python3 - "$work" <<'PY'
import base64, random, sys
work = sys.argv[1]
rng = random.Random(7)
tokens = open(f"{work}/tokens.txt").read().split()
out, size = [], 0
while size < 24 << 20:
    line = "2026-12-04T10:00:00Z INFO request served in %d ms path=/api/v2/x" % rng.randrange(999)
    if rng.random() < 1 / 600:
        token = rng.choice(tokens)
        line += " token=" + (base64.b64encode(token.encode()).decode() if rng.random() < 0.2 else token)
    out.append(line)
    size += len(line) + 1
open(f"{work}/big.log", "w").write("\n".join(out) + "\n")
PY

export TSAN_OPTIONS=halt_on_error=1:exitcode=66
for format in text jsonl sarif; do
  status=0
  "$plain" scan -j 1 --format "$format" "$work/big.log" >"$work/expected" || status=$?
  [[ $status -eq 1 ]] || { echo "FAIL: the plain scan exited $status" >&2; exit 1; }
  for threads in 2 3 4; do
    status=0
    "$tsan" scan -j "$threads" --format "$format" "$work/big.log" >"$work/got" 2>"$work/err" ||
      status=$?
    if [[ $status -ne 1 ]]; then
      echo "FAIL: $format on $threads threads exited $status" >&2
      cat "$work/err" >&2
      exit 1
    fi
    cmp -s "$work/expected" "$work/got" ||
      { echo "FAIL: $format on $threads threads differs from one thread" >&2; exit 1; }
  done
done
findings=$("$plain" scan --format jsonl "$work/big.log" | wc -l || true)
echo "PASS: scan_race_test ($findings findings in 12 slices; text, jsonl, sarif on 2-4 threads)"
