#!/usr/bin/env bash
# Builds consumer.cc with the flags of the staged dtoken.pc and runs it.
# Usage: build.sh STAGE CXX SOURCE OUTPUT
set -eu
stage=$1 cxx=$2 source=$3 output=$4
pc_dir=$(dirname "$(find "$stage" -name dtoken.pc | head -n 1)")
# The .pc file names the install prefix; point pkg-config at the staged copy instead.
export PKG_CONFIG_PATH=$pc_dir
flags=$(pkg-config --define-variable=prefix="$stage" --cflags --libs dtoken)
"$cxx" "$source" $flags -o "$output"
"$output"
