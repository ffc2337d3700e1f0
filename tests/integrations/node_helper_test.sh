#!/usr/bin/env bash
# The Node helper of integrations/node: the README's example as written, with the package
# installed as the README says (npm install of the directory), and every fault kind as
# fetch sees it (node_fault_kinds.test.js), under node --test.
# Usage: node_helper_test.sh SOURCE_DIR DTOKEN_MOCK DTOKEN WORK_DIR
set -euo pipefail
source_dir=$1
export DTOKEN_MOCK=$2 DTOKEN=$3
work=$4
. "$source_dir/tests/integrations/prerequisite.sh"
need "node -e 'if (typeof fetch !== \"function\") process.exit(1)'" "apt-get install nodejs"
readme_holds "$source_dir/README.md" "$source_dir/integrations/node/examples/example.test.js"

rm -rf "$work" && mkdir -p "$work"
cp "$source_dir/integrations/node/examples/example.test.js" "$work/"
cd "$work"
echo '{"private": true}' > package.json
# (as the README says: npm links a local package, nothing is fetched)
npm install --save-dev --offline --no-audit --no-fund --loglevel=error \
  "$source_dir/integrations/node" >/dev/null
node --test example.test.js "$source_dir/tests/integrations/node_fault_kinds.test.js"
