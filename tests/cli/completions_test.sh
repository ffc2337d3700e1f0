#!/usr/bin/env bash
# The man pages and the bash, zsh and fish completions: every option of every --help (dtoken, each
# command, dtoken-mock) is in each completion file and in the man pages; every value that
# `dtoken generate --list` names is offered; the files parse in their shells; and bash completes
# a command, an option and an option's value.
# Usage: completions_test.sh PATH/TO/dtoken PATH/TO/dtoken-mock MAN_DIR COMPLETION_DIR
set -u
dtoken=$1
mock=$2
man=$3
completions=$4
failures=0
passes=0
has() {  # has NAME FILE TEXT: TEXT is in FILE, not glued to a letter, digit or '_' on its right
  if grep -qE -- "$(printf '%s' "$3" | sed 's/[][\.*^$/]/\\&/g')([^A-Za-z0-9_]|$)" "$2"; then
    passes=$((passes + 1))
  else
    echo "FAIL $1: [$3] is not in $2"
    failures=$((failures + 1))
  fi
}
roff() { printf '%s' "\\-\\-${1//-/\\-}"; }  # --show-secret as groff writes it: \-\-show\-secret
options_of() { "$@" --help | sed -n 's/^  \(-[a-z] \[ \)\{0,1\}--\([a-z-]*\).*$/\2/p'; }

commands=$("$dtoken" --help | sed -n '/^Commands:/,/^$/s/^  \([a-z]*\)  .*$/\1/p')
[ -n "$commands" ] || { echo "FAIL no commands in dtoken --help"; exit 1; }
for command in $commands; do
  [ -f "$man/dtoken-$command.1" ] || { echo "FAIL no man page dtoken-$command.1"; failures=$((failures + 1)); continue; }
  has "man-$command" "$man/dtoken.1" "$command"
  for option in $(options_of "$dtoken" "$command"); do
    has "man-$command-$option" "$man/dtoken-$command.1" "$(roff "$option")"
    has "bash-$command-$option" "$completions/dtoken.bash" "--$option"
    has "zsh-$command-$option" "$completions/_dtoken" "--$option"
    has "fish-$command-$option" "$completions/dtoken.fish" "__fish_seen_subcommand_from $command' -l $option"
  done
done
for option in $(options_of "$mock"); do
  has "man-mock-$option" "$man/dtoken-mock.1" "$(roff "$option")"
  has "bash-mock-$option" "$completions/dtoken.bash" "--$option"
  has "fish-mock-$option" "$completions/dtoken.fish" "complete -c dtoken-mock -l $option"
done
for kind in types codes syntaxes profiles; do
  for value in $("$dtoken" generate --list "$kind"); do
    has "bash-$kind-$value" "$completions/dtoken.bash" "$value"
    has "fish-$kind-$value" "$completions/dtoken.fish" "$value"
  done
done

bash -n "$completions/dtoken.bash" || { echo "FAIL bash syntax"; failures=$((failures + 1)); }
zsh -n "$completions/_dtoken" || { echo "FAIL zsh syntax"; failures=$((failures + 1)); }
fish --no-execute "$completions/dtoken.fish" || { echo "FAIL fish syntax"; failures=$((failures + 1)); }

# bash, as it completes: a command, an option, the values of an option.
complete_words() {  # complete_words WORD... : what _dtoken offers for the last word
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _dtoken; printf "%s\n" "${COMPREPLY[@]}"' \
    _ "$completions/dtoken.bash" "$@"
}
offers() {  # offers EXPECTED WORD...: bash offers exactly EXPECTED for the last word
  local expected=$1 got
  shift
  got=$(complete_words "$@")
  if [ "$got" = "$expected" ]; then
    passes=$((passes + 1))
  else
    echo "FAIL bash completes [$*] with [$got], expected [$expected]"
    failures=$((failures + 1))
  fi
}
offers scan dtoken sc
offers --profile dtoken scan --prof
offers family dtoken scan --profile f
offers kubernetes_secret dtoken generate --embed kube

echo "$passes passed, $failures failed"
[ "$failures" -eq 0 ]
