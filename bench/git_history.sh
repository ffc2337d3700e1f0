#!/usr/bin/env bash
# dtoken scan --git against the way gitleaks reads a history, `git log -p --all | rg REGEX`, on a
# synthetic repository made here with git fast-import: COMMITS commits (default 20,000), each
# rewriting one of 50 files of FILE_KIB KiB (default 52: about 1 GiB of blob bytes in all), with
# a token planted in every 500th commit. Then, as git-fast-import(1) recommends ("Packfile
# optimization": fast-import deltifies each blob against the last one written, so its pack is
# not what git would make), `git repack -a -d -f` recomputes the deltas: the repository is then
# packed as a clone of it would be. REPACK=0 keeps fast-import's own pack. Runs each command RUNS
# times (default 3), alternating, and prints the medians and the ratio. Both must find every
# planted token.
# Usage: [REPACK=0] bench/git_history.sh BUILD_DIR [COMMITS] [FILE_KIB] [RUNS]
set -euo pipefail
build=$1
commits=${2:-20000}
file_kib=${3:-52}
runs=${4:-3}
dtoken="$build/tools/dtoken"
[[ -x $dtoken ]] || { echo "git_history.sh: $dtoken is not built" >&2; exit 2; }
command -v rg >/dev/null || { echo "git_history.sh: needs ripgrep: apt-get install ripgrep" >&2; exit 2; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
repo="$scratch/history"
git init -q "$repo"
regex='dt0[a-zA-Z]{1}[0-9]{2}\.[A-Z0-9]{24}\.[A-Z0-9]{64}'
"$dtoken" generate --count $(( commits / 500 + 1 )) --seed 9 --type dt0c01 >"$scratch/tokens"

started=$EPOCHREALTIME
/usr/bin/python3 - "$commits" "$file_kib" "$scratch/tokens" <<'PY' | git -C "$repo" fast-import --quiet
import random, sys
commits, kib, tokens = int(sys.argv[1]), int(sys.argv[2]), open(sys.argv[3]).read().split()
rng = random.Random(7)
words = [f"{w}" for w in "alpha beta gamma delta value count index offset request status retry cache host metric".split()]
def line():
    return " ".join(rng.choice(words) for _ in range(8)) + f" {rng.randrange(10**9)}\n"
files = [[line() for _ in range(kib * 1024 // 70)] for _ in range(50)]
out = sys.stdout.buffer
for n in range(commits):
    lines = files[n % 50]
    for _ in range(3):
        lines[rng.randrange(len(lines))] = line()
    if n % 500 == 0:
        lines[rng.randrange(len(lines))] = f"token = {tokens[n // 500]}\n"
    data = "".join(lines).encode()
    message = f"change {n}\n".encode()
    out.write(b"commit refs/heads/main\n")
    out.write(f"committer Bench <bench@example.com> {1700000000 + n} +0000\n".encode())
    out.write(b"data %d\n%s" % (len(message), message))
    out.write(b"M 100644 inline file%02d.txt\ndata %d\n" % (n % 50, len(data)))
    out.write(data)
    out.write(b"\n")
PY
echo "history: $commits commits, about $(( commits * file_kib / 1024 )) MiB of blob bytes, made in $(awk -v s="$started" -v e="$EPOCHREALTIME" 'BEGIN { printf "%.0f", e - s }') s"
if [ "${REPACK:-1}" != 0 ]; then
  started=$EPOCHREALTIME
  git -C "$repo" repack -a -d -f -q
  echo "repacked (git repack -a -d -f) in $(awk -v s="$started" -v e="$EPOCHREALTIME" 'BEGIN { printf "%.0f", e - s }') s: $(du -sh "$repo/.git/objects/pack" | cut -f1) of packs"
else
  echo "fast-import's own pack (REPACK=0): $(du -sh "$repo/.git/objects/pack" | cut -f1)"
fi

took() {
  local start=$EPOCHREALTIME
  "$@" >/dev/null || true
  echo $(( ${EPOCHREALTIME/./} - ${start/./} ))
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
gitleaks_way() { git -C "$repo" log -p --all | rg -o "$regex"; }

planted=$(( commits / 500 + (commits % 500 > 0 ? 1 : 0) ))
found_dtoken=$("$dtoken" scan --git --profile documented "$repo" | wc -l || true)
found_rg=$(git -C "$repo" log -p --all | rg -o "$regex" | sort -u | wc -l || true)
echo "planted $planted tokens; found: dtoken $found_dtoken, git log -p | rg $found_rg (unique)"
dtoken_runs=() rg_runs=()
for _ in $(seq "$runs"); do
  dtoken_runs+=("$(took "$dtoken" scan --git --profile documented "$repo")")
  rg_runs+=("$(took gitleaks_way)")
done
dtoken_time=$(printf '%s\n' "${dtoken_runs[@]}" | median)
rg_time=$(printf '%s\n' "${rg_runs[@]}" | median)
awk -v d="$dtoken_time" -v r="$rg_time" 'BEGIN {
  printf "%-36s %10.2f s\n", "dtoken scan --git", d / 1e6
  printf "%-36s %10.2f s\n", "git log -p --all | rg REGEX", r / 1e6
  printf "dtoken scan --git: %.2fx faster\n", r / d }'
[ "$found_dtoken" -eq "$planted" ] && [ "$found_rg" -eq "$planted" ]
