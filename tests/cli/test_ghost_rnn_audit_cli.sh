#!/usr/bin/env bash
# `learndyn ghost rnn-audit` (proofs/ghost_rnn.md R42-R44) as users and CI scripts see it: the
# JSON summary (four runs, horizons, outcomes), the table's rows and columns, the float64 run
# equal to rnn-train's bit for bit (DA, and noisy DCD), --weights equal to the seeded start,
# determinism, and bad input (exit 2, one line naming the option). ~5 s.
# Usage: test_ghost_rnn_audit_cli.sh path/to/learndyn
source "$(dirname "${BASH_SOURCE[0]}")/harness.sh"
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)" <<<"$out"; }
# float64_is_rnn_train LABEL AUDIT_JSON EPOCHS RNN-TRAIN-ARGS...: the audit's float64 losses
# (17 significant digits) are rnn-train's, epoch by epoch.
float64_is_rnn_train() {
  local label="$1" audit="$2" epochs="$3"; shift 3
  run ghost rnn-train "$@" --json
  local train="$out" audit_losses train_losses
  out="$audit"
  audit_losses=$(json '" ".join(repr(r[3]) for r in d["table"]["rows"]['":$epochs])")
  out="$train"
  train_losses=$(json '" ".join(repr(r[d["table"]["columns"].index("loss")]) for r in d["table"]["rows"])')
  check "$label: float64 losses = rnn-train's" test "$audit_losses" = "$train_losses"
}

run ghost rnn-audit --N 8 --epochs 30 --lr 0.02 --json
check "rnn-audit exits 0" test "$rc" = 0
check "JSON: command" test "$(json 'd["command"]')" = "ghost rnn-audit"
check "JSON: four runs" test "$(json '",".join(d["summary"]["runs"])')" = "reference,float32,float64,float64_permuted"
check "JSON: horizons are epochs or never" \
  test "$(json 'all(isinstance(r[k], int) or r[k] == "never" for n, r in d["summary"]["runs"].items() if n != "reference" for k in ("horizon_1e-6", "horizon_1e-2"))')" = True
check "JSON: rank one has fixed points" test "$(json 'd["summary"]["runs"]["float64"]["fixed_points"] >= 1')" = True
check "JSON: outcome agreement is a boolean" test "$(json 'type(d["summary"]["runs"]["float32"]["outcome_agrees"]).__name__')" = bool
check "JSON: rows 0..30" test "$(json 'len(d["table"]["rows"])')" = 31
check "JSON: float64 starts at distance 0" test "$(json 'd["table"]["rows"][0][6]')" = 0.0
first="$out"
run ghost rnn-audit --N 8 --epochs 30 --lr 0.02 --json
check "same seed, same bytes" test "$out" = "$first"

# float64 is the run of rnn-train, bit for bit.
float64_is_rnn_train "DA" "$first" 30 --N 8 --epochs 30 --lr 0.02

run ghost rnn-audit --N 8 --epochs 30 --lr 0.02 --record-every 10
check "CSV: header and epochs 0, 10, 20, 30" test "$(wc -l <<<"$out")" = 5
check "CSV header" test "$(head -n1 <<<"$out")" = "epoch,loss_reference,loss_float32,loss_float64,loss_float64_permuted,parameter_distance_float32,parameter_distance_float64,parameter_distance_float64_permuted,loss_distance_float32,loss_distance_float64,loss_distance_float64_permuted"

# --weights: a file holding the seeded start gives the seeded audit.
run ghost rnn-train --N 8 --epochs 0 --save-weights "$scratch/w.npz"
check "saved the start" test -f "$scratch/w.npz"
run ghost rnn-audit --weights "$scratch/w.npz" --epochs 30 --lr 0.02 --json
weights_out="$out"
check "--weights exits 0" test "$rc" = 0
out="$first"; a=$(json 'd["table"]'); out="$weights_out"; b=$(json 'd["table"]')
check "--weights = the seeded start" test "$a" = "$b"

# DCD with the paper's noise: a fresh batch each epoch, the same for all four runs (R43).
run ghost rnn-audit --task dcd --N 8 --epochs 20 --json
dcd="$out"
check "DCD audit exits 0" test "$rc" = 0
check "DCD: noise 0.01 (the paper's)" test "$(json 'd["inputs"]["noise"]')" = 0.01
check "DCD: no fixed-point count (R30 is DA's)" test "$(json 'd["summary"]["runs"]["float64"]["fixed_points"]')" = None
check "DCD: the relabelled control stays at rounding (< 1e-12)" \
  test "$(json 'd["summary"]["runs"]["float64_permuted"]["max_parameter_distance"] < 1e-12')" = True
float64_is_rnn_train "DCD" "$dcd" 20 --task dcd --N 8 --epochs 20

bad "N too large" N ghost rnn-audit --N 300 --epochs 3
bad "epochs beyond the 50-digit bound" epochs ghost rnn-audit --epochs 10000000
bad "permutation seed" permutation-seed ghost rnn-audit --N 8 --epochs 3 --permutation-seed x
bad "learned" learned ghost rnn-audit --N 8 --epochs 3 --learned -1
bad "save-weights" save-weights ghost rnn-audit --N 8 --epochs 3 --save-weights "$scratch/x.npz"
finish "cli_ghost_rnn_audit"
