#!/usr/bin/env bash
# The "How close to the papers" tables (docs/reproduce.md) and their summary (the README) are what
# `learndyn reproduce --table [--summary]` renders from the stored summaries
# (docs/reproduce/summaries, proofs/common.md C37), byte for byte; the
# stored summaries of the fastest panels are what `learndyn reproduce ID` writes today, byte for
# byte (a changed number in the code fails here until scripts/update_reproduce_tables.sh is run);
# every panel that runs has a summary, and a stale, foreign or missing one is refused (exit 2,
# one line naming it). ~10 s.
# Usage: test_reproduce_tables.sh path/to/learndyn path/to/source
source "$(dirname "${BASH_SOURCE[0]}")/harness.sh"
source_dir="$2"
store="$source_dir/docs/reproduce/summaries"

# ---- docs/reproduce.md holds exactly the rendered tables, the README their summary ----
between_markers() { awk '/<!-- how-close:begin/ { inside = 1; next } /<!-- how-close:end/ { inside = 0 } inside' "$1"; }
# renders_as NAME FILE DOCUMENT [OPTION...]: `learndyn reproduce --table STORE OPTION...` exits 0
# and its output (kept in $scratch/NAME.md for the counts below) is byte for byte what FILE holds
# between the markers.
renders_as() {
  local name="$1" file="$2" document="$3"; shift 3
  local options="--table${*:+ $*}"
  run reproduce --table "$store" "$@"
  check "$options: exit 0" test "$rc" = 0
  printf '%s\n' "$out" >"$scratch/$name.md"
  between_markers "$file" >"$scratch/$name.stored.md"
  check "$document = reproduce $options output (run scripts/update_reproduce_tables.sh)" \
    cmp -s "$scratch/$name.md" "$scratch/$name.stored.md"
}
renders_as rendered "$source_dir/docs/reproduce.md" "docs/reproduce.md tables"
check "--table: three papers" test "$(grep -c '^#### ' "$scratch/rendered.md")" = 3
check "--table: a row per claim" test "$(grep -c '^| fig' "$scratch/rendered.md")" -ge 20
renders_as summary "$source_dir/README.md" "README table" --summary
check "--summary: a row per paper" test "$(grep -c '^| [A-Z]' "$scratch/summary.md")" = 3
check "--summary: the failing claims counted as in the full tables" \
  test "$(grep -c '\*\*fail\*\*' "$scratch/rendered.md")" = \
       "$(awk -F'|' '/^\| [A-Z]/ { s += $7 } END { print s }' "$scratch/summary.md")"
bad "--summary without --table" summary reproduce --summary

# ---- every panel that runs has a summary; none other is kept ----
"$bin" reproduce --list | awk -F'\t' '$2 == "reproduced" || $2 == "qualitatively" { print $1 }' | sort >"$scratch/runnable"
ls "$store" | sed 's/\.json$//; s/_/\//' | sort >"$scratch/stored"
check "one stored summary per panel that runs" cmp -s "$scratch/runnable" "$scratch/stored"

# ---- the fastest panels, rerun: the same summary bytes (the slower ones: the update script) ----
if [ -z "${LEARNDYN_CLI_QUICK:-}" ]; then
  for id in ghost/fig2a ghost/fig5b; do
    run reproduce "$id" -o "$scratch/${id/\//_}"
    check "$id: exit 0" test "$rc" = 0
    check "$id: summary.json = the stored one" cmp -s "$scratch/${id/\//_}/summary.json" "$store/${id/\//_}.json"
  done
fi

# ---- refusals ----
mkdir "$scratch/stale" "$scratch/foreign" "$scratch/missing" "$scratch/broken"
cp "$store"/*.json "$scratch/stale/"
sed -i 's/"status": "reproduced"/"status": "qualitatively"/' "$scratch/stale/ghost_fig2a.json"
bad "stale status" "ghost_fig2a.json" reproduce --table "$scratch/stale"
cp "$store"/*.json "$scratch/foreign/"
sed -i 's/"id": "ghost\/fig2a"/"id": "ghost\/fig99"/' "$scratch/foreign/ghost_fig2a.json"
bad "unknown panel" "fig99" reproduce --table "$scratch/foreign"
cp "$store"/*.json "$scratch/missing/"
rm "$scratch/missing/ghost_fig2a.json"
bad "missing summary" "ghost/fig2a" reproduce --table "$scratch/missing"
cp "$store"/*.json "$scratch/broken/"
echo '{"id": ' >"$scratch/broken/ghost_fig2a.json"
bad "not JSON" "ghost_fig2a.json" reproduce --table "$scratch/broken"
bad "not a folder" "table" reproduce --table "$scratch/none"
bad "with an id" "table" reproduce ghost/fig2a --table "$store"

finish cli_reproduce_tables
