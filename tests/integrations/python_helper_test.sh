#!/usr/bin/env bash
# The pytest plugin of integrations/python: installed offline into a fresh virtual environment
# (Debian's setuptools, no index), then the README's example as written and every fault kind as
# urllib sees it (test_python_fault_kinds.py), through the plugin's fixtures.
# Usage: python_helper_test.sh SOURCE_DIR DTOKEN_MOCK DTOKEN WORK_DIR
set -euo pipefail
source_dir=$1
export DTOKEN_MOCK=$2 DTOKEN=$3
work=$4
. "$source_dir/tests/integrations/prerequisite.sh"
need "/usr/bin/python3 -c 'import pytest, setuptools, ensurepip'" \
  "apt-get install python3-pytest python3-setuptools python3-venv"
readme_holds "$source_dir/README.md" "$source_dir/integrations/python/examples/test_example.py"

rm -rf "$work" && mkdir -p "$work"
# (a copy: pip builds in the source tree it is given)
cp -r "$source_dir/integrations/python" "$work/package"
/usr/bin/python3 -m venv --system-site-packages "$work/venv"
# (as the README says; the package has no dependencies, so nothing is fetched)
"$work/venv/bin/pip" install --quiet --no-build-isolation "$work/package"
cd "$work"
"$work/venv/bin/python" -m pytest -p no:cacheprovider -q \
  "$source_dir/integrations/python/examples/test_example.py" \
  "$source_dir/tests/integrations/test_python_fault_kinds.py"
