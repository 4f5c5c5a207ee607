#!/usr/bin/env bash
# Regenerates the README's "How close to the papers" tables from `learndyn reproduce` runs, so
# that every number in them is one a command printed (docs/reproduce.md, proofs/common.md C37):
#
#   1. runs `learndyn reproduce ID -o DIR` (the quick protocol) for the panels that need it and
#      keeps each run's summary.json as docs/reproduce/summaries/<paper>_<figure>.json;
#   2. renders the tables with `learndyn reproduce --table docs/reproduce/summaries` (every claim,
#      into docs/reproduce.md) and with `--summary` (one row per paper, into the README), between
#      the files' `how-close:begin` and `how-close:end` markers.
#
# Which panels run: by default those without a stored summary and those whose stored status,
# reason or description no longer match the catalogue (the renderer names them); `--all` every
# panel that runs (about 20 minutes on 2 cores); or the ids given (and the missing ones). A panel whose code changed
# its numbers but not its texts is found only by `--all` or by naming it.
# tests/cli/test_reproduce_tables.sh checks that both files hold exactly what step 2 renders.
#
# Usage: scripts/update_reproduce_tables.sh [--all | ID...]   (LEARNDYN_BIN: the program,
#        default build/cli/learndyn)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${LEARNDYN_BIN:-build/cli/learndyn}
store=docs/reproduce/summaries
mkdir -p "$store"
runnable=$("$bin" reproduce --list | awk -F'\t' '$2 == "reproduced" || $2 == "qualitatively" { print $1 }')

if [ "${1:-}" = "--all" ]; then
  ids=$runnable
else
  ids="$*"
  for id in $runnable; do
    [ -f "$store/${id/\//_}.json" ] || ids="$ids $id"
  done
fi

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for id in $ids; do
  echo "update_reproduce_tables: learndyn reproduce $id (quick protocol)" >&2
  "$bin" reproduce "$id" -o "$scratch/${id/\//_}" >/dev/null
  cp "$scratch/${id/\//_}/summary.json" "$store/${id/\//_}.json"
done
# Summaries of panels that no longer run (or no longer exist) are not kept.
for f in "$store"/*.json; do
  id=$(basename "$f" .json)
  id=${id/_//}
  grep -qx "$id" <<<"$runnable" || { echo "update_reproduce_tables: removing $f ($id does not run)" >&2; rm "$f"; }
done

# Render; a stale summary (the catalogue changed the panel's status, reason or description) is
# named by the renderer: rerun that panel and render again.
for attempt in $(seq 1 200); do
  if "$bin" reproduce --table "$store" >"$scratch/tables.md" 2>"$scratch/err"; then break; fi
  stale=$(sed -n 's/.*rerun `learndyn reproduce \([a-z]*\/fig[0-9a-z]*\)`.*/\1/p' "$scratch/err")
  if [ -z "$stale" ]; then cat "$scratch/err" >&2; exit 1; fi
  echo "update_reproduce_tables: learndyn reproduce $stale (stale summary; quick protocol)" >&2
  rm -rf "$scratch/${stale/\//_}"
  "$bin" reproduce "$stale" -o "$scratch/${stale/\//_}" >/dev/null
  cp "$scratch/${stale/\//_}/summary.json" "$store/${stale/\//_}.json"
done
"$bin" reproduce --table "$store" --summary >"$scratch/summary.md"
# splice FILE TEXT: TEXT replaces what stands between FILE's how-close:begin and :end markers.
splice() {
  grep -q "how-close:begin" "$1" || { echo "update_reproduce_tables: $1 has no how-close:begin marker" >&2; exit 1; }
  awk -v tables="$2" '
    /<!-- how-close:begin/ { print; while ((getline line < tables) > 0) print line; skip = 1; next }
    /<!-- how-close:end/ { skip = 0 }
    !skip { print }' "$1" >"$scratch/spliced"
  cp "$scratch/spliced" "$1"
}
splice README.md "$scratch/summary.md"          # the front page: one row per paper
splice docs/reproduce.md "$scratch/tables.md"   # every claim
echo "update_reproduce_tables: README.md and docs/reproduce.md rendered from $(ls "$store" | wc -l) summaries" >&2
