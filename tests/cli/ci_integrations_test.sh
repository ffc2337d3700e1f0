#!/usr/bin/env bash
# The CI integrations, run here as their runners would run them, on the portable archive made from
# this build (scripts/make_archive.sh): the GitHub Action (action.yml: its steps' environment and
# commands, with GITHUB_PATH, GITHUB_OUTPUT and RUNNER_TEMP as GitHub sets them) and the GitLab
# template (ci/gitlab/dtoken-scan.gitlab-ci.yml: its variables and script, the archive URL a
# file:// one). Each must leave a SARIF log with the planted token, and fail the job for it.
# Usage: ci_integrations_test.sh BUILD_DIR SOURCE_DIR
set -u
build=$1
source=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=SCRIPTDIR/../support/check.sh
source "$(dirname "$0")/../support/check.sh"
archive=$(bash "$source/scripts/make_archive.sh" "$build" "$work/dist") || { echo "FAIL make_archive.sh"; exit 1; }
mkdir -p "$work/project"
printf 'token=%s\n' "$("$build/tools/dtoken" generate --seed 8 --type dt0g02)" >"$work/project/app.env"
results() { /usr/bin/python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["runs"][0]["results"]))' "$1"; }

# GitHub: each step's `run`, in its `env` (inputs and the github context filled in).
/usr/bin/python3 - "$source/action.yml" "$work" "$archive" "$source" >"$work/steps.sh" <<'PY'
import shlex, sys, yaml
action, work, archive, source = sys.argv[1:]
spec = yaml.safe_load(open(action))
assert spec["runs"]["using"] == "composite"
inputs = {name: str(value.get("default", "")) for name, value in spec["inputs"].items()}
inputs.update({"archive": archive, "path": f"{work}/project", "sarif-file": f"{work}/github.sarif"})
context = {"github.action_path": source, "github.action_repository": "dtoken/dtoken"}
def fill(text):
    for name, value in inputs.items():
        text = text.replace("${{ inputs.%s }}" % name, value)
    for name, value in context.items():
        text = text.replace("${{ %s }}" % name, value)
    assert "${{" not in text, text
    return text
for step in spec["runs"]["steps"]:
    assert step["shell"] == "bash"
    env = " ".join(f"{k}={shlex.quote(fill(str(v)))}" for k, v in step.get("env", {}).items())
    print(f'( export PATH="$(cat "$GITHUB_PATH" 2>/dev/null | tr "\\n" ":")$PATH" {env}; {fill(step["run"])} ); echo "step {step["name"]}: $?"')
PY
steps=$(cd "$work/project" && RUNNER_TEMP="$work/runner" GITHUB_PATH="$work/github_path" \
  GITHUB_OUTPUT="$work/github_output" PATH="/usr/bin:/bin" bash "$work/steps.sh" 2>&1)
check github-install "$(grep -c '^step Install dtoken: 0$' <<<"$steps")" 1
check github-scan-fails "$(grep -c '^step Scan: 1$' <<<"$steps")" 1
check github-output "$(cat "$work/github_output" 2>/dev/null)" "findings=1"
check github-sarif "$(results "$work/github.sarif")" 1
check github-path "$(cat "$work/github_path")" "$work/runner/dtoken-ci/$(basename "$archive" .tar.gz)/bin"
DTOKEN_FAIL_ON_FINDINGS=false DTOKEN_PATH="$work/project" DTOKEN_SARIF="$work/quiet.sarif" \
  PATH="$(cat "$work/github_path"):$PATH" bash "$source/scripts/ci_scan.sh" >/dev/null
check github-no-fail "$?" 0

# GitLab: the job's variables, then before_script and script, as the runner's shell runs them.
/usr/bin/python3 - "$source/ci/gitlab/dtoken-scan.gitlab-ci.yml" "$archive" >"$work/job.sh" <<'PY'
import shlex, sys, yaml
template, archive = sys.argv[1:]
job = yaml.safe_load(open(template))["dtoken-scan"]
variables = dict(job["variables"], DTOKEN_ARCHIVE_URL="file://" + archive)
print("set -e")
for name, value in variables.items():
    print(f"export {name}={shlex.quote(str(value))}")
for line in job["before_script"] + job["script"]:
    print(line)
assert job["artifacts"]["paths"] == [variables["DTOKEN_SARIF"]]
PY
(cd "$work/project" && CI_PROJECT_DIR="$work/project" PATH="/usr/bin:/bin" bash "$work/job.sh" >"$work/job.log" 2>&1)
check gitlab-job-fails "$?" 1
check gitlab-sarif "$(results "$work/project/dtoken.sarif")" 1

finish
