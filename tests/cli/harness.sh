# The CLI tests' shared harness, sourced by tests/cli/test_*.sh (each called with the path of
# the learndyn binary as $1): a scratch directory removed on exit, pass/fail counters,
# `check NAME CONDITION...`, `run ARGS...` (sets out, err, rc), `bad NAME PARAMETER ARGS...`
# (the bad-input contract: exit 2, no stdout, one line naming PARAMETER) and `finish LABEL` (prints the
# counts; the script's status is non-zero when any check failed).
set -uo pipefail
bin="$1"
command -v python3 >/dev/null || { echo "tests/cli: python3 is required by these checks (scripts/install_packages.sh installs it)" >&2; exit 1; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
passed=0
failed=0
check() {  # check NAME CONDITION...
  local name="$1"; shift
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $name"; fi
}
run() {  # run ARGS... : sets out, err, rc
  "$bin" "$@" >"$scratch/out" 2>"$scratch/err"; rc=$?
  out=$(cat "$scratch/out"); err=$(cat "$scratch/err")
}
bad() {  # bad NAME PARAMETER ARGS...: exit 2, nothing on stdout, one line naming PARAMETER
  local name="$1" parameter="$2"; shift 2
  run "$@"
  check "$name: exit 2" test "$rc" = 2
  check "$name: no stdout" test -z "$out"
  check "$name: names $parameter" grep -q -- "$parameter" <<<"$err"
  check "$name: one line" test "$(wc -l <<<"$err")" = 1
}
finish() {  # finish LABEL
  echo "${1:+$1: }$passed passed, $failed failed"
  test "$failed" = 0
}
