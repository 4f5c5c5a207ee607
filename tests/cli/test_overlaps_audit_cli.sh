#!/usr/bin/env bash
# `learndyn overlaps audit` (proofs/overlaps_experiments.md E22-E24) as users and CI scripts see
# it: the JSON summary (four runs, horizons, outcomes, the noise floor), the table's rows and
# columns, the float64 run equal to `overlaps filter`'s bit for bit, --vectors equal to the
# seeded start, determinism, and bad input (exit 2, one line naming the option, nothing
# written). ~3 s.
# Usage: test_overlaps_audit_cli.sh path/to/learndyn path/to/python3-with-numpy
source "$(dirname "${BASH_SOURCE[0]}")/harness.sh"
py="${2:-python3}"
"$py" -c "import numpy" || { echo "tests/cli: $py has no NumPy (Debian: python3-numpy)" >&2; exit 1; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)" <<<"$out"; }
small=(--N 12 --T 40 --dt 0.1 --epochs 20 --lr 0.02)

run overlaps audit "${small[@]}" --json
check "audit exits 0" test "$rc" = 0
check "JSON: command" test "$(json 'd["command"]')" = "overlaps audit"
check "JSON: four runs" test "$(json '",".join(d["summary"]["runs"])')" = "reference,float32,float64,float64_permuted"
check "JSON: horizons are epochs or never" \
  test "$(json 'all(isinstance(r[k], int) or r[k] == "never" for n, r in d["summary"]["runs"].items() if n != "reference" for k in ("horizon_1e-6", "horizon_1e-2"))')" = True
check "JSON: outcome agreement is a boolean" test "$(json 'type(d["summary"]["runs"]["float32"]["outcome_agrees"]).__name__')" = bool
check "JSON: the noise floor is reported" test "$(json 'sorted(d["summary"]["noise_floor"])')" = "['horizon_1e-2', 'horizon_1e-6', 'max_parameter_distance']"
check "JSON: rows 0..20" test "$(json 'len(d["table"]["rows"])')" = 21
check "JSON: float64 starts at distance 0" \
  test "$(json 'd["table"]["rows"][0][d["table"]["columns"].index("parameter_distance_float64")]')" = 0.0
check "JSON: float32 farther than float64 at the end" \
  test "$(json 'd["summary"]["runs"]["float32"]["max_parameter_distance"] > d["summary"]["runs"]["float64"]["max_parameter_distance"] > 0')" = True
first="$out"
run overlaps audit "${small[@]}" --json
check "same seed, same bytes" test "$out" = "$first"

# float64 is the run of `overlaps filter`, bit for bit: the same losses (17 significant digits).
for activation in linear tanh; do
  run overlaps audit "${small[@]}" --activation "$activation" --record-every 5 --json
  audit_losses=$(json '" ".join(repr(r[d["table"]["columns"].index("loss_float64")]) for r in d["table"]["rows"])')
  run overlaps filter "${small[@]}" --activation "$activation" --record-every 5 --json
  filter_losses=$(json '" ".join(repr(r[d["trajectory"]["columns"].index("loss_network")]) for r in d["trajectory"]["rows"])')
  check "$activation: float64 losses = overlaps filter's" test "$audit_losses" = "$filter_losses"
done

run overlaps audit "${small[@]}" --record-every 10
check "CSV: header and epochs 0..9, 10, 20" test "$(wc -l <<<"$out")" = 13
check "CSV header" test "$(head -n1 <<<"$out")" = "epoch,loss_reference,loss_float32,loss_float64,loss_float64_permuted,parameter_distance_float32,parameter_distance_float64,parameter_distance_float64_permuted,loss_distance_float32,loss_distance_float64,loss_distance_float64_permuted,overlap_distance_float32,overlap_distance_float64,overlap_distance_float64_permuted,parameter_distance_float64_vs_permuted"

# --vectors: a file holding the seeded start gives the seeded audit.
run overlaps filter --N 12 --T 40 --dt 0.1 --epochs 0 --save-vectors "$scratch/v.npz"
check "saved the start" test -f "$scratch/v.npz"
"$py" -c "import numpy as np; d = np.load('$scratch/v.npz'); np.savez('$scratch/start.npz', **{k: d['initial/' + k] for k in 'zmuv'})"
run overlaps audit --vectors "$scratch/start.npz" --T 40 --dt 0.1 --epochs 20 --lr 0.02 --json
vectors_out="$out"
check "--vectors exits 0" test "$rc" = 0
out="$first"; a=$(json 'd["table"]'); out="$vectors_out"; b=$(json 'd["table"]')
check "--vectors = the seeded start" test "$a" = "$b"

bad "epochs beyond the 50-digit bound" epochs overlaps audit --epochs 10000000
bad "N beyond the 50-digit bound" N overlaps audit --N 10000000 --epochs 0
bad "learned" learned overlaps audit "${small[@]}" --learned 0
bad "permutation seed" permutation-seed overlaps audit "${small[@]}" --permutation-seed x
bad "activation" activation overlaps audit "${small[@]}" --activation relu
bad "a diverging rate" lr overlaps audit "${small[@]}" --lr 1000
bad "sigma0 is not audited" sigma0 overlaps audit "${small[@]}" --sigma0 "$scratch/s.json"
bad "vectors against N" N overlaps audit --vectors "$scratch/start.npz" --N 13 --epochs 1
LEARNDYN_MEMORY_BUDGET=1000000 run overlaps audit --N 8 --T 20000 --epochs 1 -o "$scratch/refused.csv"
check "memory: exit 2" test "$rc" = 2
check "memory: names T" grep -q -- "T = 20000" <<<"$err"
check "memory: nothing written" test ! -e "$scratch/refused.csv"
run overlaps audit --epochs 10000000 -o "$scratch/refused.csv" --figure "$scratch/refused.png"
check "bound: nothing written" test ! -e "$scratch/refused.csv" -a ! -e "$scratch/refused.png"
finish "cli_overlaps_audit"
