#!/usr/bin/env bash
# Is `dtoken generate` bound by its output or by generation? Times, in one run:
#   1. dtoken generate --count N > /dev/null        (generation and formatting, no real output)
#   2. dtoken generate --count N | cat > /dev/null  (the same through a pipe, as users run it)
#   3. cat FILE | cat > /dev/null                   (the same bytes through a pipe, no generation)
# and prints the ratios. When 2 is close to 3, the command is bound by output.
# Usage: bench/generate_cli.sh PATH/TO/dtoken [N]   (default N = 10000000)
set -euo pipefail
dtoken=$1
count=${2:-10000000}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

seconds() {
  local start end
  start=$(date +%s.%N)
  "$@"
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}

"$dtoken" generate --count "$count" >"$scratch/tokens"
bytes=$(stat -c %s "$scratch/tokens")
generate_only=$(seconds bash -c "'$dtoken' generate --count $count >/dev/null")
generate_pipe=$(seconds bash -c "'$dtoken' generate --count $count | cat >/dev/null")
pipe_only=$(seconds bash -c "cat '$scratch/tokens' | cat >/dev/null")

printf '%-44s %8s %14s\n' "command ($count tokens, $((bytes / 1048576)) MiB)" seconds "M tokens/s"
for row in "generate > /dev/null:$generate_only" "generate | cat > /dev/null:$generate_pipe" \
           "cat FILE | cat > /dev/null (output only):$pipe_only"; do
  name=${row%%:*}
  time=${row##*:}
  printf '%-44s %8.3f %14.1f\n' "$name" "$time" "$(echo "$count / $time / 1000000" | bc -l)"
done
printf 'generate through a pipe takes %.2f x the time of the output alone\n' \
  "$(echo "$generate_pipe / $pipe_only" | bc -l)"
