#!/usr/bin/env bash
# `dtoken scan` on one large file in the page cache, in each output format, against ripgrep on the
# published regex and against the limit (bench/scan_limit: mapping the file and memchr on one
# thread per core; nothing reads the bytes faster). Three corpora: a realistic one (code and logs,
# a few thousand tokens in 256 MiB, one every 64 KiB), a dense one (20 times as many tokens: what
# each finding costs) and one with a near miss on every line. Every command runs RUNS times,
# alternating, so that a noisy moment of this shared machine hits all alike; medians are compared.
# Then the peak memory of scanning and redacting a 4 GiB stream (STREAM_MIB=16 for a smaller one).
# Usage: bench/scan_cli.sh BUILD_DIR [CORPUS_MIB] [RUNS] [PROFILE]   (256 MiB, 11 runs, the default
#        profile)
set -euo pipefail
build=$1
mib=${2:-256}
runs=${3:-11}
profile=${4:-}
dtoken="$build/tools/dtoken"
limit="$build/bench/scan_limit"
for program in "$dtoken" "$limit" "$build/bench/scan_bench"; do
  [[ -x $program ]] || { echo "scan_cli.sh: $program is not built" >&2; exit 2; }
done
command -v rg >/dev/null || { echo "scan_cli.sh: needs ripgrep: apt-get install ripgrep" >&2; exit 2; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
regex='dt0[a-zA-Z]{1}[0-9]{2}\.[A-Z0-9]{24}\.[A-Z0-9]{64}'
profile_option=()
[[ -n $profile ]] && profile_option=(--profile "$profile")

# microseconds one run of the command takes (bash's own clock: no process is started to read it)
took() {
  local start=$EPOCHREALTIME
  "$@" >/dev/null || true
  local end=$EPOCHREALTIME
  echo $(( ${end/./} - ${start/./} ))
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

bench_corpus() {
  local kind=$1 corpus="$scratch/$1.txt"
  "$build/bench/scan_bench" --corpus="$kind" --corpus_mib="$mib" --write_corpus="$corpus"
  cat "$corpus" >/dev/null  # into the page cache
  local names=(limit "dtoken text" "dtoken jsonl" "dtoken sarif" ripgrep "text no-decode")
  local commands=(
    "$limit $corpus"
    "$dtoken scan ${profile_option[*]} $corpus"
    "$dtoken scan ${profile_option[*]} --format jsonl $corpus"
    "$dtoken scan ${profile_option[*]} --format sarif $corpus"
    "rg -c -o $regex $corpus"
    "$dtoken scan ${profile_option[*]} --no-decode $corpus")
  local dtoken_count rg_count
  dtoken_count=$("$dtoken" scan "${profile_option[@]}" --format jsonl "$corpus" | wc -l || true)
  rg_count=$(rg -c -o "$regex" "$corpus" || true)
  echo
  echo "$kind corpus, $mib MiB: findings: dtoken $dtoken_count, ripgrep $rg_count"
  declare -A times=()
  for _ in $(seq "$runs"); do
    for i in "${!commands[@]}"; do
      # shellcheck disable=SC2086  # each command is split into its words on purpose
      times[$i]+="$(took ${commands[$i]}) "
    done
  done
  local medians=()
  for i in "${!commands[@]}"; do
    # shellcheck disable=SC2086  # the runs' times, split into words on purpose
    medians[i]=$(printf '%s\n' ${times[$i]} | median)
  done
  printf '%-14s %10s %9s %9s %11s\n' command ms "MiB/s" "x limit" "x ripgrep"
  for i in "${!commands[@]}"; do
    awk -v name="${names[$i]}" -v t="${medians[$i]}" -v l="${medians[0]}" -v r="${medians[4]}" \
      -v mib="$mib" 'BEGIN { printf "%-14s %10.1f %9.0f %9.2f %11.2f\n", name, t / 1000,
                             mib / (t / 1e6), t / l, r / t }'
  done
  echo "(x limit: time over the limit's, lower is better; x ripgrep: ripgrep's time over this one's)"
  awk -v with="${medians[1]}" -v without="${medians[5]}" 'BEGIN {
    printf "decoding base64 and percent-encoding: the text scan runs at %.2fx the speed of --no-decode (goal: 0.8x or better)\n", without / with }'
}

bench_corpus realistic
bench_corpus dense
bench_corpus near_miss

# Peak memory on a 4 GiB stream (the realistic corpus repeated), for scan and redact.
corpus="$scratch/realistic.txt"
repeats=$(( (${STREAM_MIB:-4096} + mib - 1) / mib ))
stream() { for _ in $(seq "$repeats"); do cat "$corpus"; done; }
# (scan exits 1 when it finds tokens: that is expected here)
scan_kib=$( { stream | /usr/bin/time -f %M "$dtoken" scan - >/dev/null; } 2>&1 | tail -n 1 || true)
redact_kib=$( { stream | /usr/bin/time -f %M "$dtoken" redact >/dev/null; } 2>&1 | tail -n 1 || true)
echo
echo "peak RSS on a $((repeats * mib)) MiB stream: scan $((scan_kib / 1024)) MiB, redact $((redact_kib / 1024)) MiB"
