#!/usr/bin/env bash
# Runs the README's pre-commit example with the real pre-commit (Debian's `pre-commit`): the hook
# of this repository at the full commit the README pins, as a user's repository would take it,
# with this build's dtoken on the PATH (the hook is `language: system`). The README's repository
# URL is replaced with this checkout; nothing else is changed.
# Usage: pre_commit_test.sh PATH/TO/dtoken SOURCE_DIR
set -u
dtoken=$(realpath "$1")
source_dir=$(realpath "$2")

# shellcheck source=SCRIPTDIR/../support/check.sh
source "$(dirname "$0")/../support/check.sh"
command -v pre-commit >/dev/null || skip "pre-commit is missing: apt-get install pre-commit (or: bash scripts/install-deps.sh)"
git -C "$source_dir" rev-parse --git-dir >/dev/null 2>&1 || skip "$source_dir is not a git checkout: the pinned hook is read from its history"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The README's YAML block that pins a remote repository (the one with `rev:`).
config=$(awk '/^```yaml$/ { block = ""; inside = 1; next }
              /^```$/ && inside { if (block ~ /rev: /) { printf "%s", block; exit } inside = 0; next }
              inside { block = block $0 "\n" }' "$source_dir/README.md")
rev=$(printf '%s\n' "$config" | sed -n 's/^ *rev: *\([0-9a-f]*\).*/\1/p')
[ ${#rev} -eq 40 ] || fail "README pins rev '$rev', not a full 40-digit commit"
git -C "$source_dir" cat-file -e "$rev^{commit}" 2>/dev/null || fail "README's rev $rev is not a commit of this repository"
git -C "$source_dir" merge-base --is-ancestor "$rev" HEAD 2>/dev/null || fail "README's rev $rev is not in HEAD's history"
[ "$failures" -eq 0 ] || exit 1

repo="$work/project"
git init -q "$repo"
printf '%s\n' "$config" | sed "s|repo: https://github.com/OWNER/dtoken|repo: $source_dir|" >"$repo/.pre-commit-config.yaml"
grep -q "repo: $source_dir" "$repo/.pre-commit-config.yaml" || fail "the README's example names no https://github.com/OWNER/dtoken repository"
export PRE_COMMIT_HOME="$work/cache" PATH="$(dirname "$dtoken"):$PATH"
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.com GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.com
git -C "$repo" add .pre-commit-config.yaml && git -C "$repo" commit -qm config

token=$("$dtoken" generate --type dt0g02 --label pre-commit)
printf 'DT_API_TOKEN=%s\n' "$token" >"$repo/gate.env"
git -C "$repo" add gate.env
out=$(cd "$repo" && pre-commit run 2>&1)
status=$?
[ "$status" -eq 1 ] || fail "pre-commit with a staged token: exit $status, expected 1: $out"
[[ "$out" == *"${token%.*}"* ]] || fail "pre-commit's output does not name the token ID ${token%.*}: $out"
[[ "$out" == *"${token##*.}"* ]] && fail "pre-commit's output shows the secret"

git -C "$repo" rm -q --cached gate.env
printf 'nothing to see\n' >"$repo/notes.txt"
git -C "$repo" add notes.txt
out=$(cd "$repo" && pre-commit run 2>&1)
status=$?
[ "$status" -eq 0 ] || fail "pre-commit with a clean change: exit $status, expected 0: $out"
[[ "$out" == *"dtoken scan"*"Passed"* ]] || fail "pre-commit did not run the dtoken hook: $out"

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "pre-commit ran the README's pinned hook (rev $rev): a staged token fails, a clean change passes"
