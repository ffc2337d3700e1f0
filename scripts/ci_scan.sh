#!/usr/bin/env bash
# Scans for a CI job and writes SARIF: dtoken scan --format sarif DTOKEN_SCAN_ARGS DTOKEN_PATH
# into DTOKEN_SARIF. The number of findings goes to GITHUB_OUTPUT (findings=N) when GitHub gives
# one. Exit code: 0 when nothing was found, or when DTOKEN_FAIL_ON_FINDINGS is false; 1 with
# findings; dtoken's own 2 or 3 for an incomplete scan or an I/O error.
set -uo pipefail
sarif=${DTOKEN_SARIF:-dtoken.sarif}
# shellcheck disable=SC2086  # the extra options are words on purpose
dtoken scan --format sarif ${DTOKEN_SCAN_ARGS:-} "${DTOKEN_PATH:-.}" >"$sarif"
status=$?
[ "$status" -le 1 ] || exit "$status"
findings=$(/usr/bin/env python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["runs"][0]["results"]))' "$sarif")
echo "dtoken scan: $findings findings, written to $sarif"
[ -n "${GITHUB_OUTPUT:-}" ] && echo "findings=$findings" >>"$GITHUB_OUTPUT"
if [ "$findings" -gt 0 ] && [ "${DTOKEN_FAIL_ON_FINDINGS:-true}" != false ]; then exit 1; fi
exit 0
