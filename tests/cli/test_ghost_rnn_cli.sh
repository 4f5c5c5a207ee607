#!/usr/bin/env bash
# `learndyn ghost rnn-*` as users and CI scripts see it: exit status, one-line errors naming the
# parameter, JSON/CSV fields, determinism over runs and thread counts, and the paper's rank-one
# phenomena at small cost (Fig. 3A: learning through a ghost with one fixed point; Fig. 3B: a
# saddle-node into a no-learning zone; Fig. 8B: lowering the confidence lets it learn again).
# Usage: test_ghost_rnn_cli.sh path/to/learndyn
source "$(dirname "${BASH_SOURCE[0]}")/harness.sh"
value() { sed -n "s/^ *$1: //p" <<<"$out" | head -n1; }  # text summary field
gt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a > b) }'; }

# --- rnn-train: JSON, CSV rows, determinism ------------------------------------------------
run ghost rnn-train --epochs 300 --format json
check "rnn-train exits 0" test "$rc" = 0
check "JSON has the summary" grep -q '"final_loss"' <<<"$out"
check "JSON has the table" grep -q '"gradient_norm"' <<<"$out"
first="$out"
run ghost rnn-train --epochs 300 --format json
check "same seed, same output" test "$out" = "$first"
run ghost rnn-train --epochs 300 --record-every 100
check "CSV: header and epochs 0, 100, 200, 299" test "$(wc -l <<<"$out")" = 5
# accuracy (R47) was added at the end: the older columns keep their bytes and places.
check "CSV header" test "$(head -n1 <<<"$out")" = "epoch,loss,gradient_norm,fixed_points,ghost_eps,ghost_kappa,accuracy"
check "DA accuracy of an untrained run: the response half (0.5)" test "$(sed -n 2p <<<"$out" | cut -d, -f7)" = 0.5

# The paper's rank-one phenomena need 40,000-170,000 epochs (46 s). The sanitizer stage of the
# test command (LEARNDYN_CLI_QUICK=1, tests/CMakeLists.txt) runs the same code paths briefly
# instead: the Release stage has already checked the numbers, and under ASan + UBSan at -O1
# the long runs took a minute.
if [ -z "${LEARNDYN_CLI_QUICK:-}" ]; then
# --- Fig. 3A: lr 0.003 learns abruptly through a ghost, one fixed point throughout ---------
run ghost rnn-train --epochs 40000 --lr 0.003 --record-every 40000 --track-every 5000 -o "$scratch/a.csv"
check "Fig 3A run exits 0" test "$rc" = 0
check "Fig 3A learned (first_learned_epoch >= 0)" test "$(value first_learned_epoch)" -ge 0
check "Fig 3A: one fixed point at the end" test "$(value final_fixed_points)" = 1
check "Fig 3A: a ghost, eps > 0" gt "$(value final_ghost_eps)" 0
check "Fig 3A: one fixed point at every tracked epoch" \
  test "$(awk -F, 'NR > 1 && $4 != "" && $4 != 1' "$scratch/a.csv" | wc -l)" = 0

# --- Fig. 3B / 8B: lr 0.02 gets stuck after a saddle-node; lowering beta lets it learn ----
run ghost rnn-train --epochs 150000 --lr 0.02 --record-every 150000 -o "$scratch/b.csv"
check "Fig 3B: stuck (final loss > 0.9)" gt "$(value final_loss)" 0.9
check "Fig 3B: three fixed points (saddle-node)" test "$(value final_fixed_points)" = 3
run ghost rnn-train --epochs 170000 --lr 0.02 --record-every 170000 --change-epoch 150000 --changed-beta 1 -o "$scratch/d.csv"
check "Fig 8B: beta 10 -> 1 learns again (final loss < 0.2)" gt 0.2 "$(value final_loss)"
check "Fig 8B: back to one fixed point" test "$(value final_fixed_points)" = 1

# --- rnn-slow-points ----------------------------------------------------------------------
run ghost rnn-slow-points --at 0,40000 --lr 0.003
check "slow-points exits 0" test "$rc" = 0
check "slow-points: a ghost at epoch 40000 with eps > 0" \
  awk -F, '$1 == 40000 && $2 == "ghost" && $11 < 0 && $13 > 0 { found = 1 } END { exit !found }' <<<"$out"
else
  run ghost rnn-train --epochs 3000 --lr 0.02 --record-every 1000 --change-epoch 2000 --changed-beta 1 \
      --track-every 1000 -o "$scratch/d.csv"
  check "quick: tracked beta-change run exits 0" test "$rc" = 0
  run ghost rnn-slow-points --at 0,2000 --lr 0.003
  check "quick: slow-points exits 0" test "$rc" = 0
fi
run ghost rnn-slow-points --task dcd --rank 0 --N 20 --at 0 --format json
check "full-space search runs" grep -q '"full-space Newton"' <<<"$out"

# DMTS with the Fig. 4 code's settings (rank 2, --init lowrank, several trials per class):
# options reach the run, and more trials per class change the trajectory (the batch grows).
run ghost rnn-train --task dmts --rank 2 --N 20 --init lowrank --initial-sigma 0.3 --trials 3 \
    --optimizer adam --lr 5e-4 --epochs 20 --format json
check "DMTS lowrank: exits 0" test "$rc" = 0
check "DMTS lowrank: inputs echoed" grep -q '"init": *"lowrank"' <<<"$out"
check "DMTS lowrank: trials echoed" grep -q '"trials": *3' <<<"$out"
three="$(grep -o '"final_loss": *[^,]*' <<<"$out")"
run ghost rnn-train --task dmts --rank 2 --N 20 --init lowrank --initial-sigma 0.3 --trials 1 \
    --optimizer adam --lr 5e-4 --epochs 20 --format json
check "DMTS: --trials changes the batch" test "$(grep -o '"final_loss": *[^,]*' <<<"$out")" != "$three"

# --- fig8c (Fig. 8C, R49): tables, determinism over thread counts ---------------------------
run ghost fig8c --seeds 2 --epochs 4 --record-every 2 --confidences 0.5,inf --threads 1
check "fig8c exits 0" test "$rc" = 0
check "fig8c CSV: header" test "$(head -n1 <<<"$out")" = "confidence,epoch,mean_accuracy,sem_accuracy,mean_loss,sem_loss"
check "fig8c CSV: epochs 0, 2, 4, 6, 7 per c" test "$(wc -l <<<"$out")" = 11
first="$out"
run ghost fig8c --seeds 2 --epochs 4 --record-every 2 --confidences 0.5,inf --threads 2
check "fig8c: same bytes on 2 threads" test "$out" = "$first"
run ghost fig8c --seeds 2 --epochs 4 --record-every 2 --confidences 0.5,inf --table by_confidence
check "fig8c by_confidence table: one row per c" test "$(wc -l <<<"$out")" = 3

# --- rnn-sweep: thread count does not change the output ------------------------------------
run ghost rnn-sweep --rates 1e-3,1e-1,3 --seeds 2 --epochs 500 --ranks 1,0 --N 20 --threads 1
one="$out"
check "sweep exits 0" test "$rc" = 0
check "sweep rows: 2 ranks x 3 rates x 2 seeds + header" test "$(wc -l <<<"$out")" = 13
run ghost rnn-sweep --rates 1e-3,1e-1,3 --seeds 2 --epochs 500 --ranks 1,0 --N 20 --threads 2
check "sweep identical on 2 threads" test "$out" = "$one"
# Noisy DMTS: the noise stream (proofs/common.md C18) gives the same bytes on 1 and 2 threads,
# for a sweep (--threads) and for one run (LEARNDYN_NUM_THREADS; rnn-train has no --threads).
run ghost rnn-sweep --task dmts --ranks 2,0 --N 20 --init lowrank --initial-sigma 0.3 --trials 3 \
    --optimizer adam --rates 5e-4,5e-3,2 --seeds 2 --epochs 30 --threads 1
one="$out"
check "noisy DMTS sweep exits 0" test "$rc" = 0
run ghost rnn-sweep --task dmts --ranks 2,0 --N 20 --init lowrank --initial-sigma 0.3 --trials 3 \
    --optimizer adam --rates 5e-4,5e-3,2 --seeds 2 --epochs 30 --threads 2
check "noisy DMTS sweep identical on 2 threads" test "$out" = "$one"
for t in 1 2; do
  LEARNDYN_NUM_THREADS=$t "$bin" ghost rnn-train --task dmts --rank 2 --N 20 --init lowrank --initial-sigma 0.3 \
      --trials 3 --optimizer adam --lr 5e-4 --epochs 30 --record-every 1 >"$scratch/dmts_t$t.csv" 2>/dev/null
done
check "noisy DMTS run: output written" test -s "$scratch/dmts_t1.csv"
check "noisy DMTS run identical on 2 threads" cmp -s "$scratch/dmts_t1.csv" "$scratch/dmts_t2.csv"

run ghost rnn-sweep --task dcd --rates 1e-2,1e-2,1 --seeds 1 --epochs 2 --ranks 0 --N 10 --format json
check "sweep keeps the task's readout (DCD: tanh)" grep -q '"readout": *"tanh"' <<<"$out"

run ghost rnn-sweep --rates 1e-2,1e-2,1 --seeds 2 --epochs 300 --ranks 1,3 --N 20 --curve-every 100
check "curves: 2 ranks x 2 seeds x epochs 0, 100, 200, 299 + header" test "$(wc -l <<<"$out")" = 17
check "curves header (gradient_norm added at the end)" test "$(head -n1 <<<"$out")" = "rank,lr,seed,epoch,loss,gradient_norm"

# --- figures --------------------------------------------------------------------------------
if command -v gnuplot >/dev/null 2>&1; then
  run ghost rnn-train --epochs 2000 --track-every 500 -o "$scratch/c.csv" --figure "$scratch/c.png"
  check "figure is a PNG" test "$(head -c 4 "$scratch/c.png" | tail -c 3)" = "PNG"
fi

# --- bad input --------------------------------------------------------------------------------
bad "unknown task" "task" ghost rnn-train --task foo
bad "latent readout needs rank 1" "readout" ghost rnn-train --rank 2 --readout latent
bad "negative rate" "lr" ghost rnn-train --lr -1
bad "no trials" "trials" ghost rnn-train --task dcd --trials 0
bad "unknown init" "init" ghost rnn-train --init uniform
bad "negative initial sigma" "initial-sigma" ghost rnn-train --task dcd --initial-sigma -1
bad "no neurons" "N" ghost rnn-train --N 0
bad "alpha > 1" "alpha" ghost rnn-train --alpha 1.5
bad "beta 0 names beta (not changed-beta)" "invalid beta" ghost rnn-train --beta 0
bad "confidence 0 names confidence" "invalid confidence" ghost rnn-train --readout confidence --confidence 0
bad "bad format" "format" ghost rnn-train --format xml
bad "tracking needs rank 1" "track-every" ghost rnn-train --rank 0 --track-every 5
bad "dcd without cue" "input" ghost rnn-train --task dcd --input 0
bad "reversed rates" "rates" ghost rnn-sweep --rates 1,0.1,3
bad "learn-beta needs the latent readout" "learn-beta" ghost rnn-train --rank 2 --learn-beta on
bad "unknown confidence readout" "confidence-readout" ghost rnn-train --readout confidence --confidence-readout exact
bad "latent as the changed readout" "changed-readout" ghost rnn-train --task dcd --change-epoch 2 --changed-readout latent
bad "fig8c: c = 0" "confidences" ghost fig8c --confidences 0.5,0
bad "fig8c: unknown protocol" "protocol" ghost fig8c --protocol long
bad "fig8c: no epochs" "epochs" ghost fig8c --epochs 0
bad "fig8c: unknown readout" "confidence-readout" ghost fig8c --confidence-readout exact
bad "fig8b: unknown protocol" "protocol" ghost fig8b --protocol long
bad "fig8b: no seeds" "seeds" ghost fig8b --seeds 0
bad "fig7: unknown protocol" "protocol" ghost fig7 --protocol long
bad "fig6b: no seeds" "seeds" ghost fig6b --seeds 0
bad "fig4: unknown protocol" "protocol" ghost fig4 --protocol long
# A diverged loss (NaN) is refused, naming the rate, not printed as empty cells or null.
bad "diverged rnn-train" "lr" ghost rnn-train --N 5 --rank 2 --readout sigmoid --epochs 3 --lr 1e308
bad "diverged rnn-slow-points" "lr" ghost rnn-slow-points --N 5 --rank 2 --readout sigmoid --at 0,2 --lr 1e308
bad "diverged rnn-sweep" "rates" ghost rnn-sweep --N 5 --ranks 2 --epochs 3 --seeds 1 --rates 1e2,1e300,3
bad "rates spacing overflows" "rates" ghost rnn-sweep --N 5 --epochs 3 --seeds 1 --rates 1e-3,1e308,3
bad "garbage epoch list" "at" ghost rnn-slow-points --at 1,x
bad "trailing comma in --at" "at" ghost rnn-slow-points --at 0,
bad "trailing comma in --ranks" "ranks" ghost rnn-sweep --ranks 1,
bad "trailing comma in --rates" "rates" ghost rnn-sweep --rates 1e-3,1e-2,3,
bad "garbage number" "beta" ghost rnn-train --beta 1x

finish "ghost rnn CLI"
