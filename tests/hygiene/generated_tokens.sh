#!/usr/bin/env bash
# The committed fuzz dictionaries and seed corpora hold only tokens that dtoken generated, marked
# as fixtures (no token copied from documentation or other projects): every token that
# `dtoken scan --profile family` finds in fuzz/ is a marked fixture. (vectors/ is generated whole
# by `dtoken vectors`, which vectors_regenerate_test checks byte for byte.)
# Usage: generated_tokens.sh PATH/TO/dtoken SOURCE_DIR
set -u
dtoken=$1
source=$2
found=$("$dtoken" scan --profile family --fixtures report --format jsonl "$source/fuzz")
status=$?
[ "$status" -le 1 ] || { echo "FAIL: dtoken scan exited $status"; exit 1; }
count=$(grep -c . <<<"$found")
unmarked=$(grep '"fixture":false' <<<"$found" || true)
if [ -n "$unmarked" ]; then
  echo "FAIL: tokens in fuzz/ that dtoken did not generate as marked fixtures:"
  /usr/bin/python3 -c 'import json, sys
for line in sys.stdin: r = json.loads(line); print("  " + r["path"] + ": " + r["token_id"])' <<<"$unmarked"
  exit 1
fi
[ "$count" -gt 0 ] || { echo "FAIL: no token found in fuzz/ at all"; exit 1; }
echo "generated_tokens: all $count tokens in fuzz/ are marked fixtures"
