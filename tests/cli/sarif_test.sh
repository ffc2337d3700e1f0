#!/usr/bin/env bash
# `dtoken scan --format sarif`: the log validates against the SARIF 2.1.0 schema (the copy that
# ships in the npm package @microsoft/sarif-multitool), passes the SARIF multitool's own rules and
# its GitHub ingestion rules (--rule-kind "Gh;Sarif") with no error, and its fingerprints are
# stable and distinct.
# Usage: sarif_test.sh PATH/TO/dtoken NODE_MODULES_DIR
set -u
dtoken=$1
multitool_dir=$2/@microsoft/sarif-multitool-linux
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=SCRIPTDIR/../support/check.sh
source "$(dirname "$0")/../support/check.sh"

docs=dt0s01.ST2EY72KQINMH574WMNVI7YN.G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM
secret=G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM
unregistered=dt0x99.ST2EY72KQINMH574WMNVI7YN.$secret
mkdir -p "$work/tree/my dir" "$work/tree/src"
printf 'a=%s\nb=%s\n' "$docs" "$unregistered" >"$work/tree/my dir/a b.env"
printf 'one=%s\ntwo=%s\n' "$docs" "$docs" >"$work/tree/src/twice.yaml"
: >"$work/tree/src/empty.txt"

# validate NAME FILE: the schema and the multitool.
validate() {
  /usr/bin/python3 - "$multitool_dir/sarif-2.1.0.json" "$2" <<'PY' || fail "$1: schema"
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
log = json.load(open(sys.argv[2]))
errors = list(jsonschema.Draft202012Validator(schema).iter_errors(log))
for error in errors:
    print(f"  {'/'.join(map(str, error.absolute_path))}: {error.message}")
sys.exit(1 if errors else 0)
PY
  local report
  report=$(DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 "$multitool_dir/Sarif.Multitool" validate \
    --rule-kind "Gh;Sarif" "$2" 2>&1)
  if ! grep -q "Analysis completed successfully" <<<"$report" || grep -q ": error " <<<"$report"; then
    fail "$1: multitool"
    echo "$report" | sed 's/^/  /'
  fi
}

cd "$work/tree" || exit 1
"$dtoken" scan --format sarif >"$work/found.sarif"
[ $? -eq 1 ] || fail "exit status with findings"
validate findings "$work/found.sarif"
"$dtoken" scan --format sarif src/empty.txt >"$work/empty.sarif"
[ $? -eq 0 ] || fail "exit status without findings"
validate empty "$work/empty.sarif"
printf '%s\n' "$docs" | "$dtoken" scan --format sarif --profile family - >"$work/stdin.sarif"
validate stdin "$work/stdin.sarif"
grep -q "$secret" "$work/found.sarif" && fail "the secret is in the log"

# The content: rules, locations, fingerprints.
/usr/bin/python3 - "$work/found.sarif" "$work/stdin.sarif" <<'PY' || fail "content"
import json, sys
log = json.load(open(sys.argv[1]))
run = log["runs"][0]
rules = run["tool"]["driver"]["rules"]
results = run["results"]
assert len(results) == 4, len(results)
by_uri = {}
for result in results:
    location = result["locations"][0]["physicalLocation"]
    by_uri.setdefault(location["artifactLocation"]["uri"], []).append(result)
    assert rules[result["ruleIndex"]]["id"] == result["ruleId"], result
assert sorted(by_uri) == ["my%20dir/a%20b.env", "src/twice.yaml"], sorted(by_uri)
first, unknown = by_uri["my%20dir/a%20b.env"]
assert first["ruleId"] == "dynatrace-token/dt0s01", first["ruleId"]
assert unknown["ruleId"] == "dynatrace-token", unknown["ruleId"]
region = first["locations"][0]["physicalLocation"]["region"]
assert (region["startLine"], region["startColumn"], region["endColumn"]) == (1, 3, 99), region
assert first["properties"]["tokenId"] == "dt0s01.ST2EY72KQINMH574WMNVI7YN"
prints = [r["partialFingerprints"]["dtoken/v1"] for r in results]
assert len(set(prints)) == 4, prints  # two occurrences of one token in one file differ
stdin = json.load(open(sys.argv[2]))["runs"][0]["results"]
assert stdin[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "stdin"
PY

# Fingerprints do not move with the lines around the token.
printf '\n\n# a new header\n%s' "$(cat src/twice.yaml)" >src/twice.yaml
"$dtoken" scan --format sarif >"$work/moved.sarif"
/usr/bin/python3 - "$work/found.sarif" "$work/moved.sarif" <<'PY' || fail "stable fingerprints"
import json, sys
def prints(path):
    return sorted(r["partialFingerprints"]["dtoken/v1"] for r in json.load(open(path))["runs"][0]["results"])
assert prints(sys.argv[1]) == prints(sys.argv[2])
PY

# A history scan (--git): valid too, with the commit in versionControlProvenance and properties.
git init -q "$work/repo"
git -C "$work/repo" -c user.name=T -c user.email=t@example.com commit -q --allow-empty -m start
printf 'k=%s\n' "$docs" >"$work/repo/app.env"
git -C "$work/repo" add app.env
git -C "$work/repo" -c user.name=T -c user.email=t@example.com commit -q -m token
"$dtoken" scan --git --format sarif "$work/repo" >"$work/history.sarif"
[ $? -eq 1 ] || fail "exit status of a history scan"
validate history "$work/history.sarif"
/usr/bin/python3 - "$work/history.sarif" "$(git -C "$work/repo" rev-parse HEAD)" <<'PY' || fail "history content"
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
head = sys.argv[2]
assert run["versionControlProvenance"][0]["revisionId"] == head, run["versionControlProvenance"]
assert run["versionControlProvenance"][0]["repositoryUri"].startswith("file:///")
(result,) = run["results"]
assert result["properties"]["commit"] == head, result["properties"]
assert result["properties"]["author"] == "T <t@example.com>", result["properties"]
assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "app.env"
PY

[ "$failures" -eq 0 ] && echo "sarif_test: all passed"
[ "$failures" -eq 0 ]
