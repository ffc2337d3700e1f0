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
run version 0 "$dtoken" --version && expect version "$out" "dtoken 0.1.0"
run help 0 "$dtoken" --help && expect help "$out" "dtoken 0.1.0" && expect help "$out" "Exit codes"
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

echo "$passes passed, $failures failed"
[ "$failures" -eq 0 ]
