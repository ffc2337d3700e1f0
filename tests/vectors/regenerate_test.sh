#!/usr/bin/env bash
# Regenerating the vectors with the recorded seed gives the committed files byte for byte, so any
# change to the generator or to the format rules shows up as a diff.
# Usage: regenerate_test.sh PATH/TO/dtoken VECTORS_DIR
set -eu
dtoken=$1
committed=$2
fresh=$(mktemp -d)
trap 'rm -rf "$fresh"' EXIT
seed=$(/usr/bin/python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["seed"])' "$committed/manifest.json")
"$dtoken" vectors --out "$fresh" --seed "$seed" >/dev/null
status=0
for path in "$fresh"/* "$fresh"/schema/* "$fresh"/fuzz/* "$fresh"/fuzz/seeds/*; do
  [ -f "$path" ] || continue
  name=${path#"$fresh"/}
  if ! cmp -s "$path" "$committed/$name"; then
    echo "FAIL: $name differs from a fresh 'dtoken vectors --seed $seed'"
    diff <(head -c 2000 "$committed/$name") <(head -c 2000 "$path") | head -n 10
    status=1
  fi
done
count=$(find "$fresh" -type f | wc -l)
[ "$status" -eq 0 ] && echo "$count files regenerate byte for byte"
exit "$status"
