#!/usr/bin/env bash
# The NTK panels added for issue 15 (docs/reproduce.md): the smoke protocols of ntk/fig4 (the GRU
# pair and the authors' RNN pair, network 2 with added fixed points), ntk/fig8 (added non-trivial
# fixed points, proofs/ntk_experiments.md X13-X16) and ntk/fig10 (several attention heads,
# proofs/ntk.md N65-N67) run, write their files, and their summaries hold what the smoke sizes
# can show: every added point fixed (and the authors' sequential rule not), the RNN pair's
# collapse/stall/learn verdicts, the temporal rank growing with d_in for each head count;
# commands.txt run by hand gives the same CSV bytes; the new options refuse bad values. ~10 s.
# Usage: test_reproduce_ntk_panels.sh path/to/learndyn
source "$(dirname "${BASH_SOURCE[0]}")/harness.sh"
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
cd "$scratch" || exit 1

# verdict FILE N: the verdict of the N-th claim (0-based) of a summary.json.
verdict() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["claims"][int(sys.argv[2])]["verdict"])' "$1" "$2"; }

reproduce_smoke() {  # reproduce_smoke NAME ID
  local name="$1" id="$2"
  run reproduce "$id" --protocol smoke --threads 1 -o "$name"
  check "$name: exit 0" test "$rc" = 0
  local figure=${id#*/}
  for f in summary.json commands.txt data.json "$figure.png" "$figure.gp"; do
    check "$name: wrote $f" test -s "$name/$f"
  done
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

reproduce_smoke fp ntk/fig8
check "fig8: every added point fixed (X13)" test "$(verdict fp/summary.json 0)" = pass
check "fig8: the authors' sequential rule leaves points off (X14)" test "$(verdict fp/summary.json 1)" = fail
check "fig8: one panel per gain" test "$(grep -c '^set title' fp/fig8.gp)" = 2

reproduce_smoke mp ntk/fig4
for k in 3 4 5; do
  check "fig4: RNN pair claim $k passes at smoke size" test "$(verdict mp/summary.json $k)" = pass
done
check "fig4: the RNN pair has 2 added fixed points at smoke size" grep -q -- '--fixed-points 2' mp/commands.txt

reproduce_smoke heads ntk/fig10
check "fig10: temporal rank grows with d_in for each head count" test "$(verdict heads/summary.json 0)" = pass
check "fig10: one CSV per head count" test -s heads/fig10_h1.csv -a -s heads/fig10_h2.csv
check "fig10: commands name --heads 2" grep -q -- '--heads 2' heads/commands.txt
run reproduce ntk/fig10 --protocol smoke --threads 2 -o heads2
check "fig10: the same bytes with 2 threads" cmp -s heads/fig10_h2.csv heads2/fig10_h2.csv

# ---- the new options' refusals: exit 2, one line ----
bad "fixed-points on a GRU" fixed-points ntk memory-pro --model gru --fixed-points 2 --iterations 1
bad "fixed-points above hidden" fixed-points ntk memory-pro --model rnn --hidden 4 --fixed-points 5 --iterations 1
bad "unknown rule" rule ntk fixed-points --rule both
bad "gain 0" gains ntk fixed-points --gains 0
bad "heads not dividing d_a" heads ntk attention-rank --attention 6 --heads 4 --inputs 1 --seeds 0
finish "reproduce ntk panels"
