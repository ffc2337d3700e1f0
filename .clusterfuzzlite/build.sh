#!/bin/bash -eu
# ClusterFuzzLite's entry point: the targets are built by the project's own script.
"$SRC/dtoken/fuzz/build.sh"
