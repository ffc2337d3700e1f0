#!/usr/bin/env bash
# `dtoken scan` scans a mapped file in 2 MiB slices that its threads take in turn, and puts their
# findings back together (the library's scan_part and part_numbering). On a file with tokens
# planted across every place where slices meet (and where 2 to 5 equal parts would), on long and
# short lines, the findings (offsets, lines, columns, bounded) equal Python's re.finditer over the
# published regex, for 1 to 5 threads.
# Usage: scan_parts_test.sh PATH/TO/dtoken
set -eu
dtoken=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

/usr/bin/python3 - "$work" <<'PY'
import json, random, re, sys
work = sys.argv[1]
rng = random.Random(5)
token = "dt0s01.ST2EY72KQINMH574WMNVI7YN.G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM"
size = 70 * 1024 * 1024
text = bytearray(b"x" * size)
# Lines of every length: newlines at random places, a few long stretches without any.
for at in rng.sample(range(size), size // 90):
    if not (20_000_000 < at < 23_000_000):
        text[at] = 10
# Tokens around every point where 2 MiB slices meet, or 2 to 5 parts would, and at random.
spots = set()
edges = [2 * 1024 * 1024 * k for k in range(1, size // (2 * 1024 * 1024) + 1)]
edges += [size * k // parts for parts in range(2, 6) for k in range(1, parts)]
for edge in edges:
    for shift in range(-100, 3):
        spots.add(edge + shift * 7 + rng.randrange(7))
spots.update(rng.randrange(size - 100) for _ in range(2000))
last_end = -1
for at in sorted(spots):
    if at <= last_end or at + 96 > size:
        continue
    text[at:at + 96] = token.encode()
    last_end = at + 96
open(f"{work}/big.txt", "wb").write(text)
expected = []
data = bytes(text)
published = re.compile(rb"dt0[a-zA-Z]{1}[0-9]{2}\.[A-Z0-9]{24}\.[A-Z0-9]{64}")
line, line_start, scanned = 1, 0, 0
for match in published.finditer(data):
    line += data.count(b"\n", scanned, match.start())
    newline = data.rfind(b"\n", 0, match.start())
    line_start = newline + 1
    scanned = match.start()
    alnum = lambda i: 0 <= i < len(data) and chr(data[i]).isalnum()
    bounded = not alnum(match.start() - 1) and not alnum(match.end())
    expected.append(f"{match.start()} {line} {match.start() - line_start + 1} {bounded}")
open(f"{work}/expected.txt", "w").write("\n".join(expected) + "\n")
print(f"planted {len(expected)} tokens in {size} bytes")
PY

failures=0
for threads in 1 2 3 4 5; do
  "$dtoken" scan --threads "$threads" --format jsonl "$work/big.txt" >"$work/found.jsonl" || true
  /usr/bin/python3 -c '
import json, sys
for line in open(sys.argv[1]):
    f = json.loads(line)
    print(f["offset"], f["line"], f["column"], f["bounded"])
' "$work/found.jsonl" >"$work/found.txt"
  if ! cmp -s "$work/expected.txt" "$work/found.txt"; then
    echo "FAIL with $threads threads:"
    diff "$work/expected.txt" "$work/found.txt" | head -10
    failures=$((failures + 1))
  fi
done
[ "$failures" -eq 0 ] && echo "scan_parts_test: the same findings with 1 to 5 threads"
[ "$failures" -eq 0 ]
