#!/usr/bin/env bash
# `learndyn ntk memory-pro` and `learndyn ntk gain-sweep` as users and scripts see them
# (proofs/ntk_experiments.md): CSV header and rows, JSON fields, the same bytes for --threads 1
# and 2 (X12), the exact input-core bound in the summary (X3), a PNG when asked, and one-line
# errors naming the parameter with exit status 2 and nothing written.
# Usage: test_ntk_experiments_cli.sh path/to/learndyn
source "$(dirname "${BASH_SOURCE[0]}")/harness.sh"

mp=(ntk memory-pro --hidden 12 --period 3 --batch 4 --iterations 4 --record-every 2 --eval-batch 4
    --sketch 4 --residual 4 --probes 4)
gs=(ntk gain-sweep --hidden 12 --steps 6 --inputs 3 --batch 4 --eval-batch 4 --train-steps 2
    --gains 0.5,2 --input-ranks 1,3 --sketch 4 --residual 4)

# --- memory-pro: CSV, JSON, determinism ---------------------------------------------------------
for model in gru rnn; do
  run "${mp[@]}" --model "$model" --threads 1; a="$out"
  check "memory-pro $model exits 0" test "$rc" = 0
  check "memory-pro $model CSV header" test "$(head -1 <<<"$a")" = \
    "network,iteration,loss,response_loss,end_dispersion,temporal,spatial,batch,overall,overall_se,core_cosine,core_cosine_se"
  check "memory-pro $model rows (2 networks x iterations 0, 2, 4)" test "$(wc -l <<<"$a")" = 7
  run "${mp[@]}" --model "$model" --threads 2
  check "memory-pro $model: same bytes for 1 and 2 threads" test "$a" = "$out"
done
run "${mp[@]}" --format json
check "memory-pro JSON has summary and both tables" python3 -c "
import json,sys; d=json.loads(sys.argv[1]); assert d['command']=='ntk memory-pro'
assert 'network1_temporal_final' in d['summary'] and d['history']['rows'] and d['outputs']['rows']" "$out"
run "${mp[@]}" --table outputs
check "memory-pro --table outputs" test "$(head -1 <<<"$out")" = "network,stage,trial,t,y_fix,y_cos,y_sin,target_cos,target_sin"

# --- gain-sweep: CSV, bound, determinism, figure ------------------------------------------------
run "${gs[@]}" --threads 1; a="$out"
check "gain-sweep exits 0" test "$rc" = 0
check "gain-sweep rows (2 gains x 2 ranks)" test "$(wc -l <<<"$a")" = 5
check "input-core temporal rank <= input rank (X3)" python3 -c "
import csv,io,sys; rows=list(csv.DictReader(io.StringIO(sys.argv[1])))
assert all(float(r['input_core_temporal_rank']) <= float(r['input_rank']) for r in rows)" "$a"
run "${gs[@]}" --threads 2
check "gain-sweep: same bytes for 1 and 2 threads" test "$a" = "$out"
if command -v gnuplot >/dev/null; then
  run "${gs[@]}" -o "$scratch/gs.csv" --figure "$scratch/gs.png"
  check "gain-sweep writes CSV and PNG" test "$rc" = 0 -a -s "$scratch/gs.csv" -a -s "$scratch/gs.png"
  check "the PNG is a PNG" test "$(head -c 4 "$scratch/gs.png" | tail -c 3)" = "PNG"
  run "${mp[@]}" -o "$scratch/mp.csv" --figure "$scratch/mp.png"
  check "memory-pro writes CSV and PNG" test "$rc" = 0 -a -s "$scratch/mp.csv" -a -s "$scratch/mp.png"
fi

# --- errors: exit 2, one line naming the parameter, nothing written -----------------------------
bad() {  # bad NAME PARAMETER ARGS...
  local name="$1" parameter="$2"; shift 2
  run "$@" -o "$scratch/bad.csv"
  check "$name: exit 2" test "$rc" = 2
  check "$name: names $parameter" grep -q -- "$parameter" <<<"$err"
  check "$name: nothing on stdout" test -z "$out"
  check "$name: no data file" test ! -e "$scratch/bad.csv"
}
bad "memory-pro --model lstm" "model" "${mp[@]}" --model lstm
bad "memory-pro --hidden 0" "hidden" "${mp[@]}" --hidden 0
bad "memory-pro --lr -1" "lr" "${mp[@]}" --lr -1
bad "memory-pro --threads 257" "threads" "${mp[@]}" --threads 257
bad "memory-pro --format xml" "format" "${mp[@]}" --format xml
bad "memory-pro --eval-batch 1" "eval-batch" "${mp[@]}" --eval-batch 1
# Overflow and saturation name the option (they named an internal theta, or printed empty cells).
bad "memory-pro weights overflow" "invalid lr" ntk memory-pro --hidden 4 --period 3 --batch 2 --iterations 2 \
  --eval-batch 2 --probes 2 --sketch 2 --residual 2 --lr 1e308
bad "memory-pro saturated network" "gain-learn" ntk memory-pro --hidden 4 --period 3 --batch 2 --iterations 2 \
  --eval-batch 2 --probes 2 --sketch 2 --residual 2 --gain-learn 1e308
bad "gain-sweep --input-ranks 7 > steps" "input-ranks" "${gs[@]}" --input-ranks 7
bad "gain-sweep --gains x" "gains" "${gs[@]}" --gains 1,x
bad "gain-sweep trailing comma" "input-ranks" ntk gain-sweep --input-ranks 1,
bad "gain-sweep --table nope" "table" "${gs[@]}" --table nope
# A blown-up training (NaN final ranks) is refused naming lr, not printed as empty cells.
bad "gain-sweep diverged" "lr" ntk gain-sweep --hidden 6 --steps 6 --inputs 3 --batch 4 --eval-batch 4 \
  --train-steps 2 --sketch 4 --residual 4 --gains 1 --input-ranks 1 --lr 1e308
# Sizes whose memory cannot be had are refused up front (not left to run into std::bad_alloc,
# or to run for minutes first): training states B T n and measured states eval-batch T n.
bad "memory-pro training states" "batch" ntk memory-pro --hidden 1024 --period 600 --batch 10000 --iterations 1
bad "gain-sweep measured states" "eval-batch" ntk gain-sweep --hidden 1024 --steps 2000 --eval-batch 512 --batch 1 \
  --train-steps 0 --gains 1 --input-ranks 1

finish "ntk experiments CLI"
