#!/usr/bin/env bash
# CLI tests of `dtoken validate` and `dtoken inspect`: output, exit codes, errors.
# Usage: cli_test.sh PATH/TO/dtoken
set -u
dtoken=$1
failures=0
passes=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

docs=dt0s01.ST2EY72KQINMH574WMNVI7YN.G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM
secret=G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM
activegate=dt0g02.4KWZO5EF.XT47R5DRADJIZUFOX4UDNOKTSUSABGLN7XSMJG7UXHRXKNY4WLORH4OF4T75MG7E

# run NAME EXPECTED_STATUS COMMAND... : runs the command, keeps stdout/stderr in $out/$err.
run() {
  local name=$1 expected=$2
  shift 2
  "$@" >"$work/out" 2>"$work/err" <"${stdin:-/dev/null}"
  local status=$?
  out=$(cat "$work/out")
  err=$(cat "$work/err")
  if [ "$status" -ne "$expected" ]; then
    echo "FAIL $name: exit $status, expected $expected"
    echo "  stdout: $out"
    echo "  stderr: $err"
    failures=$((failures + 1))
    return 1
  fi
  return 0
}

# expect NAME HAYSTACK NEEDLE: HAYSTACK contains NEEDLE.
expect() {
  if [[ "$2" == *"$3"* ]]; then
    passes=$((passes + 1))
  else
    echo "FAIL $1: expected to find [$3] in:"
    echo "$2" | sed 's/^/  /'
    failures=$((failures + 1))
  fi
}

# refuse NAME HAYSTACK NEEDLE: HAYSTACK does not contain NEEDLE.
refuse() {
  if [[ "$2" == *"$3"* ]]; then
    echo "FAIL $1: found [$3] in:"
    echo "$2" | sed 's/^/  /'
    failures=$((failures + 1))
  else
    passes=$((passes + 1))
  fi
}

# --- global options ---
# The version comes from CMake's project(VERSION), the one place it is set.
version=$(sed -n 's/^  VERSION \([0-9.]*\)$/\1/p' "$(dirname "$0")/../../CMakeLists.txt")
run version 0 "$dtoken" --version && expect version "$out" "dtoken $version"
run help 0 "$dtoken" --help && expect help "$out" "dtoken $version" && expect help "$out" "Exit codes"
# The helpers of integrations/ carry the same version.
expect version-node "$(cat "$(dirname "$0")/../../integrations/node/package.json")" "\"version\": \"$version\""
expect version-python "$(cat "$(dirname "$0")/../../integrations/python/pyproject.toml")" "version = \"$version\""
run no-command 2 "$dtoken" && expect no-command "$err" "no command given"
run unknown-command 2 "$dtoken" frobnicate && expect unknown-command "$err" "unknown command 'frobnicate'"

# --- validate: arguments ---
run valid-argument 0 "$dtoken" validate "$docs"
expect valid-argument "$out" "argument 1: valid dt0s01.ST2EY72KQINMH574WMNVI7YN (dt0s01, account API token)"
refuse valid-argument-secret "$out" "$secret"

run invalid-argument 1 "$dtoken" validate "$docs" "dt0c01.ABC"
expect invalid-argument "$out" "argument 2: invalid: public_part_too_short at byte 10"

run bad-profile 2 "$dtoken" validate --profile loose "$docs"
expect bad-profile "$err" "unknown profile 'loose'"
run bad-format 2 "$dtoken" validate --format xml "$docs"
expect bad-format "$err" "unknown format 'xml'"
run bad-option 2 "$dtoken" validate --frobnicate
expect bad-option "$err" "unrecognised option"
run validate-help 0 "$dtoken" validate --help
expect validate-help "$out" "--profile"

# Profiles change the verdict: an 8-character public part is family and strict, not documented.
run documented-8 1 "$dtoken" validate "$activegate"
run family-8 0 "$dtoken" validate --profile family "$activegate"
run strict-8 0 "$dtoken" validate -p strict "$activegate"

# --- validate: standard input, one candidate per line ---
printf '%s\n\n%s\r\n%s' "$docs" "$docs" "$activegate" >"$work/lines"
stdin="$work/lines" run stdin-jsonl 1 "$dtoken" validate --format jsonl
lines=$(printf '%s\n' "$out" | wc -l)
expect stdin-jsonl-count "$lines" "4"
expect stdin-jsonl-1 "$(sed -n 1p <<<"$out")" '"valid":true,"error":null,"position":96,"token_id":"dt0s01.ST2EY72KQINMH574WMNVI7YN","type":"dt0s01"'
expect stdin-jsonl-2 "$(sed -n 2p <<<"$out")" '"index":2,"profile":"documented","valid":false,"error":"empty_input","position":0'
# A CR is not stripped: the candidate is the line without its LF only.
expect stdin-jsonl-3 "$(sed -n 3p <<<"$out")" '"error":"trailing_data","position":96'
# The last line has no LF and still counts.
expect stdin-jsonl-4 "$(sed -n 4p <<<"$out")" '"error":"public_part_too_short","position":15'
refuse stdin-jsonl-secret "$out" "$secret"

stdin="$work/lines" run stdin-json 1 "$dtoken" validate --format json
expect stdin-json-array "$(head -c 1 <<<"$out")" "["
expect stdin-json-close "$(tail -n 1 <<<"$out")" "]"

# A line far longer than any token is read in constant memory and gets a verdict.
head -c 50000000 /dev/zero | tr '\0' 'A' >"$work/long"
stdin="$work/long" run long-line 1 "$dtoken" validate --format jsonl
expect long-line "$out" '"error":"bad_prefix","position":0'

# Empty input: no candidate, nothing invalid.
stdin=/dev/null run empty-stdin 0 "$dtoken" validate
expect empty-stdin "$out" ""

# --- inspect ---
run inspect-docs 0 "$dtoken" inspect "$docs"
expect inspect-docs "$out" "token id     dt0s01.ST2EY72KQINMH574WMNVI7YN"
expect inspect-docs "$out" "account API token"
expect inspect-docs "$out" "documented valid"
expect inspect-docs "$out" "strict     valid"
refuse inspect-docs-secret "$out" "$secret"

bad_secret="${docs:0:40}a${docs:41}"
# A lower-case letter in an upper-case secret: no profile takes it.
run inspect-invalid 1 "$dtoken" inspect "$bad_secret"
expect inspect-invalid "$out" "family     invalid: bad_secret_character at byte 40"
expect inspect-invalid "$out" "documented invalid: bad_secret_character at byte 40"
refuse inspect-invalid-secret "$out" "${secret:0:20}"
# The caret sits under byte 40 of the shown candidate (13 columns of indentation).
caret_line=$(grep -n '^ *\^$' <<<"$out" | head -n 1 | cut -d: -f2)
expect inspect-caret "${#caret_line}" "54"

run inspect-json 0 "$dtoken" inspect --format json "$activegate"
expect inspect-json "$out" '"token_id":"dt0g02.4KWZO5EF"'
expect inspect-json "$out" '"documented":{"valid":false,"error":"public_part_too_short","position":15}'
refuse inspect-json-secret "$out" "XT47R5DRADJIZUFOX4UDNOKTSUSABGLN7XSMJG7UXHRXKNY4WLORH4OF4T75MG7E"

run inspect-legacy 0 "$dtoken" inspect "abcDEF0123456789_-xyz"
expect inspect-legacy "$out" "legacy     valid"
run inspect-nothing 1 "$dtoken" inspect "hello"
run inspect-none 2 "$dtoken" inspect
expect inspect-none "$err" "inspect needs a TOKEN"
run inspect-two 2 "$dtoken" inspect a b

# --- generate ---
run generate-default 0 "$dtoken" generate
expect generate-default "$out" "dt0c01."
run generate-again 0 "$dtoken" generate
expect generate-deterministic "$out" "$("$dtoken" generate)"
run generate-seed 0 "$dtoken" generate --seed 1
refuse generate-seed-differs "$out" "$("$dtoken" generate)"
run generate-count 0 "$dtoken" generate --type dt0g02 --count 1000 --label ci
expect generate-count "$(wc -l <<<"$out")" "1000"
bad=$("$dtoken" validate --profile strict <<<"$out" | grep -vc ': valid ' || true)
expect generate-all-strict "$bad" "0"
run generate-marked 0 "$dtoken" generate --marked --type dt0s16
expect generate-marked "$out" "dt0s16.FXTR"
run generate-random 0 "$dtoken" generate --random --count 2
first=$(sed -n 1p <<<"$out")
second=$(sed -n 2p <<<"$out")
refuse generate-random-differs "$first" "$second"
run generate-random-again 0 "$dtoken" generate --random
refuse generate-random-runs-differ "$out" "$first"
run generate-client-json 0 "$dtoken" generate --type dt0s02 --format jsonl
expect generate-client-json "$out" '"client_id":"dt0s02.'
run generate-json 0 "$dtoken" generate --count 2 --format json
expect generate-json "$(head -n 1 <<<"$out")" "["
expect generate-json-end "$(tail -n 1 <<<"$out")" "]"
run generate-csv 0 "$dtoken" generate --count 2 --format csv
expect generate-csv "$(head -n 1 <<<"$out")" "index,type,token,token_id"
run generate-env 0 "$dtoken" generate --format env --type dt0a01
expect generate-env "$out" "DTOKEN_DT0A01_0=dt0a01."
run generate-legacy 0 "$dtoken" generate --type legacy --count 3
expect generate-legacy "$("$dtoken" validate --format jsonl <<<"$out" | grep -c bad_prefix)" "3"
run generate-legacy-id 0 "$dtoken" generate --type legacy-id
[[ "$out" =~ ^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$ ]] && passes=$((passes + 1)) || { echo "FAIL generate-legacy-id: $out"; failures=$((failures + 1)); }
run generate-invalid 0 "$dtoken" generate --invalid secret_too_short --profile strict --format jsonl
expect generate-invalid "$out" '"profile":"strict","error":"secret_too_short","position":95'
candidate=$(sed 's/.*"candidate":"\([^"]*\)".*/\1/' <<<"$out")
run generate-invalid-checks 1 "$dtoken" validate --profile strict --format jsonl "$candidate"
expect generate-invalid-checks "$out" '"error":"secret_too_short","position":95'
run generate-invalid-impossible 2 "$dtoken" generate --invalid unknown_type --profile documented
expect generate-invalid-impossible "$err" "unknown_type cannot occur under profile documented"
run generate-embed 0 "$dtoken" generate --embed kubernetes_secret --format jsonl
expect generate-embed "$out" '"syntax":"kubernetes_secret","offset":'
run generate-embed-text 0 "$dtoken" generate --embed curl
expect generate-embed-text "$out" 'curl -H "Authorization: Api-Token dt0c01.'
run generate-bad-type 2 "$dtoken" generate --type dt0x99
expect generate-bad-type "$err" "unknown type 'dt0x99'"
run generate-bad-syntax 2 "$dtoken" generate --embed xml
run generate-bad-code 2 "$dtoken" generate --invalid nonsense
# Regression: Boost took "--count -5" as 2^64 - 5 and generated forever.
run generate-negative-count 2 timeout 10 "$dtoken" generate --count -5
expect generate-negative-count "$err" "--count takes a whole number"
run generate-huge-seed 2 "$dtoken" generate --seed 18446744073709551616
run generate-bad-start 2 "$dtoken" generate --start 1x
run generate-help 0 "$dtoken" generate --help
expect generate-help "$out" "kubernetes_secret"
# Streaming: a large count in constant memory (peak RSS well under 20 MB for 2 million tokens).
rss=$( { /usr/bin/env bash -c 'ulimit -v 200000; "$0" generate --count 2000000 >/dev/null && echo ok' "$dtoken"; } 2>&1)
expect generate-streams "$rss" "ok"

# generate: options that cannot go together are usage errors, not silently ignored.
run generate-random-seed 2 "$dtoken" generate --random --seed 3
expect generate-random-seed "$err" "--seed and --label do not apply"
run generate-random-label 2 "$dtoken" generate --random --label fixtures
run generate-embed-invalid 2 "$dtoken" generate --embed dotenv --invalid bad_prefix
expect generate-embed-invalid "$err" "choose one"
run generate-bad-syntax 2 "$dtoken" generate --embed bogus
expect generate-bad-syntax "$err" "(choose all, or dotenv, "
# --embed with a list or all, and --out-dir: a fixture tree whose manifest is exactly what a scan
# of the tree finds (path, offset, length, token ID), with no whole token in the manifest.
run generate-embed-list 0 "$dtoken" generate --embed dotenv,yaml --count 2 --format jsonl
expect generate-embed-list "$(grep -c '"syntax":"yaml"' <<<"$out")" "2"
expect generate-embed-list-dotenv "$(grep -c '"syntax":"dotenv"' <<<"$out")" "2"
fixtures_dir=$(mktemp -d)  # (apart from $work, which later scans cover)
run generate-out-dir 0 "$dtoken" generate --type dt0g02 --embed all --count 2 --out-dir "$fixtures_dir"
expect generate-out-dir "$out" "wrote 34 fixture files and manifest.json to $fixtures_dir"
run generate-out-dir-scan 1 "$dtoken" scan --format jsonl "$fixtures_dir"
cp "$work/out" "$work/fixtures.jsonl"
run generate-out-dir-manifest 0 /usr/bin/python3 -c '
import json, pathlib, sys
tree = pathlib.Path(sys.argv[1])
listed = {(str(tree / f["path"]), f["offset"], f["length"], f["token_id"]) for f in json.load(open(tree / "manifest.json"))["files"]}
found = {(r["path"], r["offset"], r["length"], r["token_id"]) for r in map(json.loads, open(sys.argv[2]))}
assert len(listed) == 34 and listed == found, (sorted(listed ^ found)[:4])
for path, offset, length, token_id in listed:
    assert pathlib.Path(path).read_bytes()[offset:offset + length].decode().startswith(token_id + "."), path
print("manifest == scan")' "$fixtures_dir" "$work/fixtures.jsonl"
expect generate-out-dir-manifest "$out" "manifest == scan"
rm -rf "$fixtures_dir"
run generate-out-dir-no-embed 2 "$dtoken" generate --out-dir "$work/tree2"
expect generate-out-dir-no-embed "$err" "--out-dir writes the files of --embed"
run generate-out-dir-format 2 "$dtoken" generate --embed json --out-dir "$work/tree2" --format csv
expect generate-out-dir-format "$err" "--format does not apply"
run generate-out-dir-unwritable 3 "$dtoken" generate --embed json --out-dir "$work/out/tree"
expect generate-out-dir-unwritable "$err" "cannot create $work/out/tree"
run generate-embed-unknown 2 "$dtoken" generate --embed dotenv,ymal
expect generate-embed-unknown "$err" "unknown syntax 'ymal' (choose all, or dotenv, yaml"
run generate-list-types 0 "$dtoken" generate --list types
expect generate-list-types "$out" "dt0g02"
run generate-list-bad 2 "$dtoken" generate --list colours
expect generate-list-bad "$err" "--list takes types, codes, syntaxes or profiles"

# --- vectors ---
run vectors 0 "$dtoken" vectors --out "$work/vectors"
expect vectors "$out" "vectors in 6 files, 45 fuzzing seeds and a dictionary, their README, schemas and example, and manifest.json"
expect vectors-manifest "$(cat "$work/vectors/manifest.json")" '"seed":1'
run vectors-bad-dir 3 "$dtoken" vectors --out /proc/no-such-dir
expect vectors-bad-dir "$err" "dtoken vectors:"

# --- scan ---
tree="$work/tree"
mkdir -p "$tree/src" "$tree/.git" "$tree/bin"
printf 'url: x\ntoken: %s\n' "$docs" >"$tree/src/config.yaml"
printf 'fixture = "%s"  # dtoken:allow\n' "$docs" >"$tree/src/allowed.py"
printf '%s\n' "$docs" >"$tree/.git/config"
printf 'bin\0ary %s\n' "$docs" >"$tree/bin/blob"
printf 'DT=%s\n' "$activegate" >"$tree/src/activegate.env"
# The default profile is family: every real token type, the 8-character ActiveGate token too.
run scan-tree 1 "$dtoken" scan "$tree"
expect scan-tree "$out" "$tree/src/config.yaml:2:8: dt0s01 dt0s01.ST2EY72KQINMH574WMNVI7YN.***"
expect scan-tree-activegate "$out" "$tree/src/activegate.env:1:4: dt0g02 dt0g02.4KWZO5EF.***"
expect scan-tree-count "$(wc -l <<<"$out")" "2"
run scan-documented 1 "$dtoken" scan --profile documented "$tree"
expect scan-documented-count "$(wc -l <<<"$out")" "1"
refuse scan-documented "$out" "dt0g02"
refuse scan-tree-secret "$out" "$secret"
refuse scan-tree-git "$out" ".git"
refuse scan-tree-binary "$out" "blob"
refuse scan-tree-allowed "$out" "allowed.py"
run scan-family 1 "$dtoken" scan --profile family --format jsonl "$tree"
expect scan-family-count "$(wc -l <<<"$out")" "2"
expect scan-family-jsonl "$out" '"path":"'"$tree"'/src/activegate.env","offset":3,"length":80,"line":1,"column":4,"type":"dt0g02","type_name":"ActiveGate token","token_id":"dt0g02.4KWZO5EF","bounded":true'
run scan-show-secret 1 "$dtoken" scan --show-secret "$tree/src/config.yaml"
expect scan-show-secret "$out" "$secret"
run scan-exit-code 7 "$dtoken" scan --exit-code 7 "$tree"
run scan-allow 0 "$dtoken" scan --allow dt0s01.ST2EY72KQINMH574WMNVI7YN --allow dt0g02.4KWZO5EF "$tree"
# --allow takes token IDs only: a whole token is refused without showing its secret.
run scan-allow-token 2 "$dtoken" scan --allow "$docs" "$tree"
expect scan-allow-token "$err" "'dt0s01.ST2EY72KQINMH574WMNVI7YN.***' holds a secret"
refuse scan-allow-token-secret "$err" "$secret"
run scan-allow-garbage 2 "$dtoken" scan --allow "not-a-token-id" "$tree"
expect scan-allow-garbage "$err" "--allow takes a token ID"
run scan-max-size 0 "$dtoken" scan --max-size 10 "$tree"
expect scan-max-size-note "$err" "note: $tree/src/config.yaml: skipped:"
run scan-max-size-units 1 "$dtoken" scan --max-size 1K "$tree"
run scan-max-size-unit-bad 2 "$dtoken" scan --max-size 10Q "$tree"
expect scan-max-size-unit-bad "$err" "a number with K, M, G or T (10M)"
# A file named on the command line and skipped for its size leaves the scan incomplete.
run scan-max-size-named 2 "$dtoken" scan --max-size 10 "$tree/src/config.yaml"
expect scan-max-size-named "$err" "warning: $tree/src/config.yaml: skipped:"
expect scan-max-size-named "$err" "the scan is incomplete"
# 2 and 3 already mean an incomplete scan and an I/O error; 0 (never fail a build) is fine.
run scan-exit-code-2 2 "$dtoken" scan --exit-code 2 "$tree"
expect scan-exit-code-2 "$err" "but 2 and 3"
run scan-exit-code-3 2 "$dtoken" scan --exit-code 3 "$tree"
run scan-exit-code-0 0 "$dtoken" scan --exit-code 0 "$tree"
# Marked fixtures (dtoken generate --marked) are skipped and counted, or reported on demand.
"$dtoken" generate --marked --seed 4 --type dt0c01 >"$work/fixture.txt"
run scan-fixture-skipped 0 "$dtoken" scan "$work/fixture.txt"
run scan-fixture-report 1 "$dtoken" scan --fixtures report --format jsonl "$work/fixture.txt"
expect scan-fixture-report "$out" '"fixture":true'
run scan-fixture-text 1 "$dtoken" scan --fixtures report "$work/fixture.txt"
expect scan-fixture-text "$out" "(marked fixture)"
run scan-fixture-bad 2 "$dtoken" scan --fixtures hide "$work/fixture.txt"
expect scan-fixture-bad "$err" "choose skip or report"
run scan-not-fixture-jsonl 1 "$dtoken" scan --format jsonl "$tree/src/config.yaml"
expect scan-not-fixture-jsonl "$out" '"fixture":false'
# On a terminal, a summary line; a clean scan says so.
out=$(script -qec "'$dtoken' scan '$tree/bin' >/dev/null" /dev/null)
expect scan-summary-clean "$out" "dtoken scan: no tokens found in 1 file"
out=$(script -qec "'$dtoken' scan '$work/fixture.txt' '$tree/src/config.yaml' >/dev/null" /dev/null)
expect scan-summary "$out" "dtoken scan: 1 token found in 2 files (1 marked fixture skipped"
refuse scan-no-summary-off-terminal "$err" "found in"
run scan-clean 0 "$dtoken" scan "$tree/bin"
printf '%s\n' "$docs" >"$work/stdin-token"
stdin="$work/stdin-token" run scan-stdin 1 "$dtoken" scan -
expect scan-stdin "$out" "-:1:1: dt0s01"
run scan-json 1 "$dtoken" scan --format json "$tree"
expect scan-json "$(head -c 1 <<<"$out")" "["
ln -s "$work/nowhere" "$tree/src/dangling"
run scan-broken-link 2 "$dtoken" scan "$tree"
expect scan-broken-link "$err" "warning: $tree/src/dangling: broken symbolic link"
expect scan-broken-link-goes-on "$out" "config.yaml:2:8"
rm "$tree/src/dangling"
run scan-missing 2 "$dtoken" scan "$work/no-such-path"
expect scan-missing "$err" "the scan is incomplete"
run scan-bad-profile 2 "$dtoken" scan --profile loose "$tree"
# A FIFO named as a path (process substitution) is read to its end.
run scan-fifo 1 "$dtoken" scan <(printf 'k=%s\n' "$docs")
expect scan-fifo "$out" ":1:3: dt0s01"
# Standard input is reported as it streams: each finding goes out (text and JSON Lines) once its
# line is read, before the input ends (tail -f app.log | dtoken scan -).
cat >"$work/scan_stream.py" <<'PY'
import select, subprocess, sys
dtoken, token, form = sys.argv[1], sys.argv[2], sys.argv[3]
child = subprocess.Popen([dtoken, "scan", "--format", form, "-"], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE)
child.stdin.write(f"k={token}\n".encode())
child.stdin.flush()
seen = b""
while b"\n" not in seen and select.select([child.stdout], [], [], 10)[0]:
    chunk = child.stdout.read1(4096)
    if not chunk:
        break
    seen += chunk
child.stdin.close()
child.wait()
sys.exit(0 if b"dt0s01.ST2EY72KQINMH574WMNVI7YN" in seen else 1)
PY
run scan-stdin-streams-text 0 /usr/bin/python3 "$work/scan_stream.py" "$dtoken" "$docs" text
run scan-stdin-streams-jsonl 0 /usr/bin/python3 "$work/scan_stream.py" "$dtoken" "$docs" jsonl
refuse scan-no-progress-off-terminal "$err" "scanning:"
run scan-progress-always 1 "$dtoken" scan --progress always "$tree/src"
expect scan-progress-always "$err" "scanning: 3/3 files, "
run scan-progress-bad 2 "$dtoken" scan --progress sometimes "$tree"
# On a terminal (script(1) gives it one) the line is redrawn in place and cleared at the end.
out=$(script -qec "'$dtoken' scan --progress always '$tree/src/config.yaml' >/dev/null" /dev/null)
expect scan-progress-terminal "$out" $'\r\033[K'"scanning: "

# Inline allow on standard input: the marker on the token's line, before or after it, and only
# that line.
printf 'a %s\n# dtoken:allow\nb\n' "$docs" >"$work/stdin-allow"
printf 'x # dtoken:allow %s y\n%s z\n' "$docs" "$docs" >>"$work/stdin-allow"
stdin="$work/stdin-allow" run scan-stdin-allow 1 "$dtoken" scan -
expect scan-stdin-allow "$out" "-:1:3: dt0s01"
expect scan-stdin-allow-next "$out" "-:5:1: dt0s01"
expect scan-stdin-allow-count "$(wc -l <<<"$out")" "2"

# .gitignore: a git work tree's ignored files are skipped unless --no-ignore.
repo="$work/repo"
mkdir -p "$repo/src" "$repo/build"
git init -q "$repo"
printf 'build/\n*.log\n' >"$repo/.gitignore"
printf 'k=%s\n' "$docs" >"$repo/src/app.env"
printf 'k=%s\n' "$docs" >"$repo/build/out.txt"
printf 'k=%s\n' "$docs" >"$repo/debug.log"
run scan-gitignore 1 "$dtoken" scan "$repo"
expect scan-gitignore "$out" "$repo/src/app.env:1:3"
expect scan-gitignore-count "$(wc -l <<<"$out")" "1"
run scan-no-ignore 1 "$dtoken" scan --no-ignore "$repo"
expect scan-no-ignore "$out" "$repo/build/out.txt:1:3"
expect scan-no-ignore "$out" "$repo/debug.log:1:3"
run scan-ignored-file-named 1 "$dtoken" scan "$repo/debug.log"

# Baselines: known findings stay quiet, new ones are reported; fingerprints survive moved lines.
# Paths count from the repository's root ($tree holds a .git), however the scan names them.
run scan-write-baseline 0 "$dtoken" scan --write-baseline "$work/baseline.json" "$tree"
expect scan-write-baseline "$(cat "$work/baseline.json")" '"path":"src/config.yaml","line":2,"token_id":"dt0s01.ST2EY72KQINMH574WMNVI7YN"'
expect scan-write-baseline-says "$err" "recorded 2 findings in $work/baseline.json"
expect scan-write-baseline-quiet "$out" ""
refuse scan-write-baseline-secret "$(cat "$work/baseline.json")" "$secret"
run scan-baseline 0 "$dtoken" scan --baseline "$work/baseline.json" "$tree"
run scan-baseline-relative 0 bash -c "cd '$work' && '$dtoken' scan --baseline baseline.json tree"
run scan-baseline-inside 0 bash -c "cd '$tree/src' && '$dtoken' scan --baseline '$work/baseline.json' ."
run scan-baseline-file 0 bash -c "cd '$tree/src' && '$dtoken' scan --baseline '$work/baseline.json' config.yaml"
printf '# moved down\n\n%s\n' "$(cat "$tree/src/config.yaml")" >"$tree/src/config.yaml"
run scan-baseline-moved 0 "$dtoken" scan --baseline "$work/baseline.json" "$tree"
printf 'again: %s\n' "$docs" >>"$tree/src/config.yaml"
run scan-baseline-new 1 "$dtoken" scan --baseline "$work/baseline.json" "$tree"
expect scan-baseline-new "$out" "config.yaml:5:8"
expect scan-baseline-new-count "$(wc -l <<<"$out")" "1"
run scan-sarif-as-baseline-src 1 "$dtoken" scan --format sarif "$tree"
printf '%s\n' "$out" >"$work/baseline.sarif"
run scan-sarif-as-baseline 0 "$dtoken" scan --baseline "$work/baseline.sarif" "$tree"
printf '{"findings": 3}' >"$work/bad-baseline.json"
run scan-bad-baseline 2 "$dtoken" scan --baseline "$work/bad-baseline.json" "$tree"
expect scan-bad-baseline "$err" "is neither a dtoken baseline nor a SARIF log"
run scan-missing-baseline 2 "$dtoken" scan --baseline "$work/none.json" "$tree"
expect scan-missing-baseline "$err" "cannot read baseline"

# .dtoken.toml at the scan root (the repository's root), --config, --no-config, --exclude.
conf="$work/configured"
mkdir -p "$conf/.git" "$conf/src" "$conf/vendor/lib"
printf 'k=%s\n' "$docs" >"$conf/src/app.env"
printf 'k=%s\n' "$activegate" >"$conf/src/gate.env"
printf 'k=%s\n' "$docs" >"$conf/vendor/lib/dep.js"
printf 'k=%s\n' "$docs" >"$conf/src/bundle.min.js"
cat >"$conf/.dtoken.toml" <<'TOML'
# dtoken scan's settings for this repository
profile = "documented"
exclude = ["vendor/", "*.min.js"]
TOML
run config-found 1 "$dtoken" scan "$conf/src/.."
expect config-found "$out" "$conf/src/../src/app.env:1:3"
expect config-found-count "$(wc -l <<<"$out")" "1"
run config-found-inside 1 bash -c "cd '$conf/src' && '$dtoken' scan ."
expect config-found-inside-count "$(wc -l <<<"$out")" "1"
run config-ignored 1 "$dtoken" scan --no-config "$conf"
expect config-ignored-count "$(wc -l <<<"$out")" "4"
run config-cli-wins 1 "$dtoken" scan --profile family "$conf"
expect config-cli-wins "$out" "gate.env"
run config-exclude-more 0 "$dtoken" scan --profile documented --exclude 'app.*' "$conf"
run config-exclude-cli 1 "$dtoken" scan --no-config --exclude vendor/ --exclude '*.env' "$conf"
expect config-exclude-cli "$out" "bundle.min.js"
expect config-exclude-cli-count "$(wc -l <<<"$out")" "1"
cat >"$work/other.toml" <<TOML
allow = ["dt0s01.ST2EY72KQINMH574WMNVI7YN"]
max-size = "1K"
fixtures = "report"
baseline = "known.json"
TOML
printf '{"findings":[]}' >"$work/known.json"
run config-named 1 "$dtoken" scan --config "$work/other.toml" "$conf"
expect config-named "$out" "gate.env"
expect config-named-count "$(wc -l <<<"$out")" "1"
run config-and-no-config 2 "$dtoken" scan --config "$work/other.toml" --no-config "$conf"
run config-missing 2 "$dtoken" scan --config "$work/none.toml" "$conf"
expect config-missing "$err" "cannot read config $work/none.toml"
printf 'profile = "family"\nexclude = [1, 2]\n' >"$work/bad-type.toml"
run config-bad-type 2 "$dtoken" scan --config "$work/bad-type.toml" "$conf"
expect config-bad-type "$err" "config $work/bad-type.toml:2: exclude takes a string"
printf 'profile = "family"\n\ncolour = "red"\n' >"$work/bad-key.toml"
run config-bad-key 2 "$dtoken" scan --config "$work/bad-key.toml" "$conf"
expect config-bad-key "$err" "config $work/bad-key.toml:3: unknown key 'colour' (known: profile"
printf 'profile = "family\n' >"$work/bad-toml.toml"
run config-bad-toml 2 "$dtoken" scan --config "$work/bad-toml.toml" "$conf"
expect config-bad-toml "$err" "config $work/bad-toml.toml:1: "
printf 'profile = "loose"\n' >"$work/bad-profile.toml"
run config-bad-profile 2 "$dtoken" scan --config "$work/bad-profile.toml" "$conf"
expect config-bad-profile "$err" "config $work/bad-profile.toml: unknown profile 'loose'"
printf 'allow = ["%s"]\n' "$docs" >"$work/bad-allow.toml"
run config-bad-allow 2 "$dtoken" scan --config "$work/bad-allow.toml" "$conf"
expect config-bad-allow "$err" "holds a secret"
refuse config-bad-allow-secret "$err" "$secret"

# --- the pre-commit hook: its entry, run as pre-commit runs it (in the repository's root, with
# no file names: pass_filenames is false) ---
hook=$(/usr/bin/python3 -c 'import sys, yaml; h = yaml.safe_load(open(sys.argv[1]))[0]; print(h["entry"], h["pass_filenames"])' "$(dirname "$0")/../../.pre-commit-hooks.yaml")
entry=${hook% *}
expect pre-commit-no-filenames "$hook" " False"
hooked="$work/hooked"
git init -q "$hooked"
printf 'k=%s\n' "$activegate" >"$hooked/gate.env"
git -C "$hooked" add gate.env
run pre-commit-hook 1 bash -c "cd '$hooked' && PATH=\"$(dirname "$dtoken"):\$PATH\" $entry"
expect pre-commit-hook "$out" "dt0g02.4KWZO5EF"
git -C "$hooked" rm -q --cached gate.env
printf 'nothing here\n' >"$hooked/clean.txt"
git -C "$hooked" add clean.txt
run pre-commit-hook-clean 0 bash -c "cd '$hooked' && PATH=\"$(dirname "$dtoken"):\$PATH\" $entry"

# --- redact ---
printf 'a %s b\nsecond line %s\n' "$docs" "$activegate" >"$work/log"
stdin="$work/log" run redact-filter 0 "$dtoken" redact
expect redact-filter "$out" "a dt0s01.ST2EY72KQINMH574WMNVI7YN.$(printf '%*s' 64 '' | tr ' ' '*') b"
refuse redact-filter-secret "$out" "$secret"
expect redact-filter-length "$(wc -c <"$work/log")" "$(printf '%s\n' "$out" | wc -c)"
stdin="$work/log" run redact-family 0 "$dtoken" redact --profile family --mode mask_token
refuse redact-family-activegate "$out" "dt0g02.4KWZO5EF"
stdin="$work/log" run redact-lines 0 "$dtoken" redact --line-buffered
expect redact-lines "$out" "second line dt0g02.4KWZO5EF.****"
# The default profile is family: the ActiveGate token is masked too, and documented keeps the
# published regex's reach.
stdin="$work/log" run redact-default-family 0 "$dtoken" redact
refuse redact-default-family "$out" "${activegate#*.*.}"
stdin="$work/log" run redact-documented 0 "$dtoken" redact --profile documented
expect redact-documented "$out" "second line $activegate"
# Fixtures are masked like any token.
stdin="$work/fixture.txt" run redact-fixture 0 "$dtoken" redact --mode mask_token
refuse redact-fixture "$out" "dt0c01"
# On a terminal, each line goes out as soon as it is read (tail -f app.log | dtoken redact).
cat >"$work/redact_pty.py" <<'PY'
import os, pty, select, subprocess, sys
dtoken, token = sys.argv[1], sys.argv[2]
master, slave = pty.openpty()
child = subprocess.Popen([dtoken, "redact"], stdin=subprocess.PIPE, stdout=slave)
os.close(slave)
child.stdin.write(f"k={token}\n".encode())
child.stdin.flush()
seen = b""
while b"\n" not in seen and select.select([master], [], [], 10)[0]:
    seen += os.read(master, 4096)
child.stdin.close()
child.wait()
sys.exit(0 if b"k=dt0s01.ST2EY72KQINMH574WMNVI7YN.****" in seen else 1)
PY
run redact-terminal-lines 0 /usr/bin/python3 "$work/redact_pty.py" "$dtoken" "$docs"
cp "$work/log" "$work/inplace.log"
chmod 640 "$work/inplace.log"
run redact-in-place 0 "$dtoken" redact --in-place "$work/inplace.log"
refuse redact-in-place-secret "$(cat "$work/inplace.log")" "$secret"
expect redact-in-place-mode "$(stat -c %a "$work/inplace.log")" "640"
expect redact-in-place-no-temp "$(ls -a "$work" | grep -c dtoken- || true)" "0"
run redact-missing 3 "$dtoken" redact "$work/no-such-file"
run redact-in-place-stdin 2 "$dtoken" redact --in-place
stdin="$work/log" run redact-digest 0 "$dtoken" redact --mode digest
# The digest of $docs, as Python's hashlib.sha256 gives it.
expect redact-digest "$out" "a dt0s01.ST2EY72KQINMH574WMNVI7YN.sha256:9154e2e6fbfb1e50 b"
refuse redact-digest-secret "$out" "$secret"
run redact-bad-mode 2 "$dtoken" redact --mode hash
expect redact-bad-mode "$err" "choose mask_secret, mask_token or digest"

echo "$passes passed, $failures failed"
[ "$failures" -eq 0 ]
