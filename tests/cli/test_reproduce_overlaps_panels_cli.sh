#!/usr/bin/env bash
# The overlap paper's panels added to `learndyn reproduce` for issue 15 (proofs/overlaps.md
# O53-O55, proofs/overlaps_experiments.md E31-E36): each runs at its smoke or quick protocol,
# writes its files, its commands.txt gives the same CSV bytes, and the claims its summary.json
# states hold (the verdicts named below are "pass"). The A/B -> C panels run their smoke
# protocol (batch 4, 300 epochs per phase), where only the run and its files are checked: the
# claims need the quick protocol's training (docs/overlaps.md). ~20 s.
# Usage: test_reproduce_overlaps_panels_cli.sh path/to/learndyn
source "$(dirname "${BASH_SOURCE[0]}")/harness.sh"
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
cd "$scratch" || exit 1

# panel_ok NAME ID ARGS...: the run, its files, commands.txt's CSV bytes.
panel_ok() {
  local name="$1" id="$2"; shift 2
  run reproduce "$id" -o "$name" --threads 1 "$@"
  check "$name: exit 0" test "$rc" = 0
  local figure=${id#*/}
  for f in summary.json commands.txt data.json "$figure.png" "$figure.gp" "$figure.dat"; do
    check "$name: wrote $f" test -s "$name/$f"
  done
  mkdir "$name.by-hand"
  (cd "$name.by-hand" && sed "s|^learndyn |\"$bin\" |" "../$name/commands.txt" | bash >/dev/null 2>&1)
  local csv
  for csv in "$name.by-hand"/*.csv; do
    test -e "$csv" || continue
    check "$name: commands.txt gives $(basename "$csv") byte for byte" cmp -s "$csv" "$name/$(basename "$csv")"
  done
}
# verdict NAME INDEX WANT: claim INDEX (0-based) of NAME/summary.json has verdict WANT.
verdict() {
  check "$1: claim $2 is $3" python3 -c '
import json, sys
c = json.load(open(sys.argv[1]))["claims"][int(sys.argv[2])]
sys.exit(0 if c["verdict"] == sys.argv[3] else 1)' "$1/summary.json" "$2" "$3"
}

panel_ok gram overlaps/fig11 --protocol smoke
for k in 0 1 2 3; do verdict gram "$k" pass; done
check "gram: 28 and 43 marked entries (O53)" python3 -c '
import json, sys
c = json.load(open(sys.argv[1]))["claims"]
sys.exit(0 if c[0]["measured"].startswith("28 marked, 0") and c[1]["measured"].startswith("43 marked, 0") else 1)' gram/summary.json

panel_ok charge overlaps/fig3c
verdict charge 0 pass
panel_ok hidden overlaps/fig2c
verdict hidden 1 pass
check "hidden: overlaps equivalent --table hidden in commands.txt" grep -q -- '--table hidden' hidden/commands.txt
panel_ok noise overlaps/fig5a --protocol smoke
verdict noise 1 pass
panel_ok impulse overlaps/fig5b
verdict impulse 0 pass
verdict impulse 1 pass
panel_ok impulse2 overlaps/fig12a --protocol smoke
verdict impulse2 1 pass
for id in fig4d fig9a fig9b fig9c fig10; do
  panel_ok "memory_$id" "overlaps/$id" --protocol smoke
done
check "memory: the smoke protocol's command" grep -q -- '--batch 4 --epochs-ab 300 --epochs-c 300' memory_fig9c/commands.txt

finish "cli reproduce (overlaps panels)"
