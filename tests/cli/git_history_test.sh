#!/usr/bin/env bash
# dtoken scan --git and --staged on a repository built here: a token added and then deleted, a
# rename, a branch merged, a binary blob, a token in an old branch only. Every finding is checked
# with its commit and path; fingerprints stay when later commits come; baselines, --allow,
# excludes and --log-opts ranges work on history; --staged reports what the index brings in.
# Usage: git_history_test.sh PATH/TO/dtoken
set -u
dtoken=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=SCRIPTDIR/../support/check.sh
source "$(dirname "$0")/../support/check.sh"

export GIT_AUTHOR_NAME=Ada GIT_AUTHOR_EMAIL=ada@example.com
export GIT_COMMITTER_NAME=Ada GIT_COMMITTER_EMAIL=ada@example.com
repo="$work/repo"
git init -q -b main "$repo"
g() { git -C "$repo" "$@"; }
commit() { g add -A && g commit -q -m "$1" && g rev-parse HEAD; }
t1=$("$dtoken" generate --seed 11 --type dt0c01)
t2=$("$dtoken" generate --seed 12 --type dt0g02)
t3=$("$dtoken" generate --seed 13 --type dt0s01)
t4=$("$dtoken" generate --seed 14 --type dt0c01)
id() { cut -d. -f1-2 <<<"$1"; }

printf 'token=%s\n' "$t1" >"$repo/app.env"
c_add=$(commit "add a token")
printf 'token=<from the vault>\n' >"$repo/app.env"
c_delete=$(commit "delete it")
g mv app.env config.env
c_rename=$(commit "rename")
g checkout -q -b feature
printf 'gate=%s\n' "$t2" >"$repo/gate.txt"
c_feature=$(commit "feature token")
g checkout -q main
printf 'readme\n' >"$repo/README"
commit "readme" >/dev/null
g merge -q --no-edit feature
printf 'bin\0ary %s\n' "$t4" >"$repo/blob.bin"
c_binary=$(commit "binary")
g checkout -q -b old "$c_add"
printf 'old=%s\n' "$t3" >"$repo/old.txt"
c_old=$(commit "old branch only")
g checkout -q main

"$dtoken" scan --git --format jsonl "$repo" >"$work/all.jsonl"
check exit-status "$?" 1
/usr/bin/python3 - "$work/all.jsonl" <<PY || failures=$((failures + 1))
import json, sys
found = sorted((r["commit"], r["path"], r["token_id"], r["line"], r["column"], r["author"])
               for r in map(json.loads, open(sys.argv[1])))
expected = sorted([
    ("$c_add", "app.env", "$(id "$t1")", 1, 7, "Ada <ada@example.com>"),
    ("$c_feature", "gate.txt", "$(id "$t2")", 1, 6, "Ada <ada@example.com>"),
    ("$c_old", "old.txt", "$(id "$t3")", 1, 5, "Ada <ada@example.com>"),
])
assert found == expected, (found, expected)
PY
grep -q "${t1##*.}" "$work/all.jsonl" && { echo "FAIL the secret is in the output"; failures=$((failures + 1)); }
# The binary blob is scanned with --binary, and belongs to its commit.
check binary "$("$dtoken" scan --git --binary --format jsonl "$repo" | grep "$(id "$t4")" | grep -c "\"commit\":\"$c_binary\"")" 1
# The rename brought no token in: the token was deleted before it.
check rename "$(grep -c "config.env\|$c_rename" "$work/all.jsonl")" 0
# Text: the commit, then path:line:column.
check text "$("$dtoken" scan --git --log-opts main "$repo" | sort)" \
  "$(printf '%s:app.env:1:7: dt0c01 %s.***\n%s:gate.txt:1:6: dt0g02 %s.***' "${c_add:0:12}" "$(id "$t1")" "${c_feature:0:12}" "$(id "$t2")" | sort)"
# A range: only the commits in it.
check range "$("$dtoken" scan --git --log-opts "$c_delete..main" --format jsonl "$repo" | wc -l)" 1
check bad-log-opts "$("$dtoken" scan --git --log-opts '--output=x' "$repo" 2>&1 >/dev/null | grep -c 'not .--output=x.')" 1
# Fingerprints stay when later commits come; a baseline then silences the history.
"$dtoken" scan --git --write-baseline "$work/baseline.json" "$repo" 2>/dev/null
check write-baseline "$?" 0
printf 'more\n' >>"$repo/README"
commit "later" >/dev/null
"$dtoken" scan --git --baseline "$work/baseline.json" "$repo" >/dev/null
check baseline "$?" 0
# --allow and excludes work on history.
check allow "$("$dtoken" scan --git --allow "$(id "$t1")" --format jsonl "$repo" | wc -l)" 2
check exclude "$("$dtoken" scan --git --exclude 'old.*' --format jsonl "$repo" | wc -l)" 2
# --staged: the index against HEAD, only what it brings in.
printf 'token=%s\n' "$t1" >"$repo/app2.env"
printf 'readme\nmore\nnew=%s\n' "$t3" >"$repo/README"
g add app2.env README
"$dtoken" scan --staged --format jsonl "$repo" >"$work/staged.jsonl"
check staged-status "$?" 1
check staged "$(/usr/bin/python3 -c '
import json, sys
print(sorted((r["path"], r["line"], "commit" in r) for r in map(json.loads, open(sys.argv[1]))))' "$work/staged.jsonl")" \
  "[('README', 3, False), ('app2.env', 1, False)]"
g commit -q -m staged
check staged-clean "$("$dtoken" scan --staged "$repo"; echo $?)" 0
check not-a-repo "$("$dtoken" scan --git "$work" 2>&1 >/dev/null; echo $?)" "$(printf 'dtoken scan: %s\n2' "$(git -C "$work" log 2>&1 | head -n 1)")"

finish
