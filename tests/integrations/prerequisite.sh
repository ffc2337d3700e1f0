# Sourced by the helpers' tests: `need CHECK INSTALL` runs CHECK; when it fails, the test is
# skipped (exit 77, which CTest reports as skipped) with the command that installs what is
# missing, or fails when DTOKEN_REQUIRE_ALL is set (scripts/test.sh sets it: in CI nothing skips).
need() {
  if ! eval "$1" >/dev/null 2>&1; then
    echo "missing prerequisite ($1); install it with: $2"
    [ -n "${DTOKEN_REQUIRE_ALL:-}" ] && exit 1
    exit 77
  fi
}

# Fails unless the README holds FILE's text verbatim (the examples are run as written).
readme_holds() {
  /usr/bin/python3 - "$1" "$2" <<'PY'
import sys
readme, example = open(sys.argv[1]).read(), open(sys.argv[2]).read()
if example not in readme:
    sys.exit(f"README.md does not hold {sys.argv[2]} as written")
PY
}
