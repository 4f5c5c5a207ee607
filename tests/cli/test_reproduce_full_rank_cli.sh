#!/usr/bin/env bash
# `learndyn reproduce` for the full-rank panels of the ghost paper (docs/reproduce.md,
# proofs/ghost_rnn.md R65-R69): ghost/fig5a (the DCD script's run, 600 epochs), fig5c (the DMTS
# script's run, 3,000 epochs), fig5d (its slow points at epochs 101 and 1001) and fig7a, fig7b (the
# DMTS learning-rate sweep, one seed): each writes its files, its summary's claims carry the
# verdicts these short protocols give (the findings included: no ghost at epoch 1001), and
# commands.txt run by hand in an empty folder writes the same CSV bytes (Fig. 5; Fig. 7's lines are
# checked as text). `ghost fig7 --task` refuses what is not dcd or dmts. ~40 s CPU.
# Usage: test_reproduce_full_rank_cli.sh path/to/learndyn
source "$(dirname "${BASH_SOURCE[0]}")/harness.sh"
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
cd "$scratch" || exit 1

# verdict DIR QUANTITY-PREFIX: the verdict of the first claim whose quantity starts so.
verdict() {
  python3 - "$1/summary.json" "$2" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))
for c in s["claims"]:
    if c["quantity"].startswith(sys.argv[2]):
        print(c["verdict"]); break
else:
    print("absent")
EOF
}

# reproduce_ok BY_HAND NAME ID ARGS...: the files, summary.json's keys and, when BY_HAND is yes,
# commands.txt run by hand gives the same CSV bytes (the sweeps of Fig. 7 are left out there: each of
# their command lines runs the whole sweep again).
reproduce_ok() {
  local by_hand="$1" name="$2" id="$3"; shift 3
  run reproduce "$id" -o "$name" "$@"
  check "$name: exit 0" test "$rc" = 0
  local figure=${id#*/}
  for f in summary.json commands.txt data.json "$figure.png" "$figure.gp" "$figure.dat"; do
    check "$name: wrote $f" test -s "$name/$f"
  done
  check "$name: summary.json names the id and has claims with verdicts" python3 - "$name/summary.json" "$id" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))
assert s["id"] == sys.argv[2] and s["status"] == "qualitatively"
assert s["claims"]
for c in s["claims"]:
    assert c["verdict"] in ("pass", "fail", "qualitative"), c
    assert c["paper"] and c["measured"], c
EOF
  [ "$by_hand" = yes ] || return 0
  mkdir "$name.by-hand"
  (cd "$name.by-hand" && sed "s|^learndyn |\"$bin\" |" "../$name/commands.txt" | bash >/dev/null 2>&1)
  local csv made=0
  for csv in "$name.by-hand"/*.csv; do
    [ -e "$csv" ] || continue
    made=$((made + 1))
    check "$name: commands.txt gives $(basename "$csv") byte for byte" cmp -s "$csv" "$name/$(basename "$csv")"
  done
  check "$name: commands.txt wrote CSV files" test "$made" -gt 0
}

# Fig. 5A: the DCD script's run; its fall near epoch 400 is inside the smoke's 600 epochs.
reproduce_ok yes dcd ghost/fig5a --protocol smoke
check "fig5a: an abrupt fall of the loss" test "$(verdict dcd 'largest fall')" = pass
check "fig5a: the analysed epochs within the run marked" grep -q "set label 2 '201'" dcd/fig5a.gp
check "fig5a: not those after it (1001 > 600 epochs)" test "$(grep -c "'1001'" dcd/fig5a.gp)" = 0
check "fig5a: commands.txt runs the script's run" \
  grep -q '^learndyn ghost rnn-train --task dcd --rank 0 --lr 0.01 --seed 3 --epochs 600 --record-every 1 -o fig5a.csv$' dcd/commands.txt

# Fig. 5C: the DMTS script's run (2/30/2/10 steps), its first 3,000 epochs.
reproduce_ok yes dmts ghost/fig5c --protocol smoke
check "fig5c: three claims" test "$(grep -c '"quantity"' dmts/summary.json)" = 3
check "fig5c: the timings of the script" grep -q -- '--input 2 --delay 30 --response 10' dmts/commands.txt
check "fig5c: not learned within 3,000 epochs (the fall comes near 88,700)" test "$(verdict dmts 'final loss')" = fail

# Fig. 5D at epochs 101 and 1001: one claim, and the finding: no ghost at epoch 1001.
reproduce_ok yes slow ghost/fig5d --protocol smoke
check "fig5d: the ghost at epoch 1001 is not found (a finding)" test "$(verdict slow 'ghosts at epoch 1001')" = fail
check "fig5d: the counts per epoch in the measured text" grep -q '101: 1 fp' slow/summary.json

# Figs. 7A-B, one seed: the critical rate, the time averages, the no-learning zone. Skipped in
# the sanitizer stage (LEARNDYN_CLI_QUICK): 9 rates x 2,000 epochs of a 100-neuron network took
# ~700 s there, and the same code runs under the sanitizers in cli_ghost_rnn's sweeps.
if [ -z "${LEARNDYN_CLI_QUICK:-}" ]; then
reproduce_ok no sweep ghost/fig7a --seeds 1 --threads 1
check "fig7a: a critical rate" test "$(verdict sweep 'a critical rate')" = pass
check "fig7a: time-averaged gradients small at the largest rate" test "$(verdict sweep 'median time-averaged')" = pass
check "fig7a: commands.txt runs ghost fig7 --task dmts" \
  grep -q '^learndyn ghost fig7 --protocol quick --task dmts --seeds 1 --table time_averages' sweep/commands.txt
reproduce_ok no curves ghost/fig7b --seeds 1 --threads 1
check "fig7b: the gradient norm collapses at the largest rate" test "$(verdict curves 'median |∇L| at the last epoch')" = pass
fi

bad "fig7: unknown task" task ghost fig7 --task da
finish "cli reproduce full rank"
