#!/usr/bin/env bash
# `--weights` / `--save-weights` of `learndyn ghost rnn-*` (proofs/ghost_rnn.md R41): files with
# the names of the paper's public scripts (m, n, b, W_out, b_out) load unchanged, and one epoch
# from them prints the loss and gradient norm, and writes the parameters after one SGD step,
# that an independent NumPy implementation of the scripts' networks computes
# (ghost_weights_numpy.py: rank one, rank K = 3 and K = 1, full rank, DCD rank 2 with W_in), as
# do the fixed points rnn-slow-points finds and the final loss of a one-run rnn-sweep;
# a seeded run's saved initial parameters reproduce it byte for byte; bad files and options
# that contradict the file exit 2 with one line.
# Usage: test_ghost_weights_cli.sh path/to/learndyn path/to/python3-with-numpy
source "$(dirname "${BASH_SOURCE[0]}")/harness.sh"
py="${2:-/usr/bin/python3}"
"$py" -c "import numpy" 2>/dev/null || { echo "tests/cli: $py has no numpy (scripts/install_packages.sh installs python3-numpy)" >&2; exit 1; }
truth="$(dirname "${BASH_SOURCE[0]}")/ghost_weights_numpy.py"
w="$scratch/w"
mkdir -p "$w"
"$py" "$truth" make "$w"

# --- the scripts' networks against NumPy ------------------------------------------------------
for case in rank_one rank_k rank_k1 full dcd_rank2; do
  fixed=()
  [ "$case" = dcd_rank2 ] && fixed=(--task dcd --noise 0 --initial-sigma 0)
  run ghost rnn-train "${fixed[@]}" --weights "$w/$case.npz" --epochs 1 --lr 0.01 --save-weights "$w/$case.out.npz" --json
  check "$case: exits 0" test "$rc" = 0
  echo "$out" >"$w/$case.out.json"
  check "$case: loss, gradient norm and one SGD step as NumPy's (1e-12)" \
    "$py" "$truth" check "$w" "$case" "$w/$case.out.json" "$w/$case.out.npz" 0.01
done
run ghost rnn-train --weights "$w/rank_k.npz" --epochs 1 --json
check "N, rank and readout come from the file" \
  grep -q '"N": 7,' <<<"$out"
check "rank 3 from m (7, 3), n (3, 7)" grep -q '"rank": 3,' <<<"$out"
run ghost rnn-train --weights "$w/rank_k1.npz" --epochs 1 --json
check "a file with W_out reads out through it (rank 1: sigmoid)" grep -q '"readout": "sigmoid"' <<<"$out"

# A folder of .npy files (np.save per tensor), float32: the same network as its .npz.
"$py" -c "
import numpy as np, sys
w = np.load(sys.argv[1])
for k in w.files: np.save(f'{sys.argv[2]}/{k}.npy', w[k].astype(np.float32))
np.savez(sys.argv[3], **{k: w[k].astype(np.float32) for k in w.files})
" "$w/full.npz" "$(mkdir -p "$w/folder" && echo "$w/folder")" "$w/full32.npz"
run ghost rnn-train --weights "$w/folder" --epochs 3 --json
folder="$out"
run ghost rnn-train --weights "$w/full32.npz" --epochs 3 --json
check "a folder of float32 .npy = the same .npz" test "$(sed 's/full32.npz/folder/' <<<"$out")" = "$folder"

# --- a seeded run's initial parameters reproduce it byte for byte ------------------------------
for args in "--task da --rank 1" "--task da --rank 0" "--task dcd --rank 2" "--task dmts --rank 0"; do
  read -ra a <<<"$args"
  run ghost rnn-train "${a[@]}" --N 6 --seed 3 --epochs 5 --save-weights "$w/seeded.npz"
  seeded="$out"
  "$py" -c "
import numpy as np, sys
w = np.load(sys.argv[1])
np.savez(sys.argv[2], **{k[len('initial/'):]: w[k] for k in w.files if k.startswith('initial/')})
" "$w/seeded.npz" "$w/start.npz"
  run ghost rnn-train "${a[@]}" --seed 3 --epochs 5 --weights "$w/start.npz"
  check "$args: --weights of the seeded start prints the seeded run's CSV" test "$out" = "$seeded"
done
# With --epochs 0 the saved file's final/ is the start: --weights reads final/ of a saved file.
run ghost rnn-train --task da --N 8 --rank 1 --seed 1 --epochs 0 --save-weights "$w/golden.npz"
run ghost rnn-train --task da --N 8 --rank 1 --seed 1 --epochs 1 --json
seeded="$(grep -A3 '"rows"' <<<"$out")"
run ghost rnn-train --weights "$w/golden.npz" --epochs 1 --json
check "--weights of a --save-weights file continues from final/" test "$(grep -A3 '"rows"' <<<"$out")" = "$seeded"

# --- rnn-slow-points and rnn-sweep ------------------------------------------------------------
# Their --weights paths against NumPy too: the rank-one latent flow's zeros from the file, in
# both scripts' layouts (the roles of m and n differ, R41), are the fixed points reported at
# epoch 0; a one-run sweep's final loss is the loss after one SGD step.
for case in rank_one rank_k1; do
  run ghost rnn-slow-points --weights "$w/$case.npz" --at 0 --json
  echo "$out" >"$w/$case.sp.json"
  check "$case: slow-points' fixed points are the zeros of the file's latent flow" \
    "$py" "$truth" check-fixed-points "$w" "$case" "$w/$case.sp.json"
done
for case in rank_k full; do
  run ghost rnn-sweep --weights "$w/$case.npz" --rates 0.05,0.05,1 --epochs 1
  echo "$out" >"$w/$case.sweep.csv"
  check "$case: a one-epoch sweep's final loss is NumPy's loss after one SGD step" \
    "$py" "$truth" check-sweep "$w" "$case" "$w/$case.sweep.csv" 0.05
done
run ghost rnn-slow-points --weights "$w/rank_one.npz" --at 0,10 --points 41 --save-weights "$w/sp.npz"
check "slow-points from a file exits 0" test "$rc" = 0
check "slow-points saves initial/ and final/" "$py" -c "
import numpy as np, sys
w = np.load(sys.argv[1]); s = np.load(sys.argv[2])
assert sorted(s.files) == sorted(['initial/' + k for k in w.files] + ['final/' + k for k in w.files]), s.files
assert all((s['initial/' + k] == w[k]).all() for k in w.files)
" "$w/rank_one.npz" "$w/sp.npz"
run ghost rnn-sweep --weights "$w/rank_k.npz" --rates 1e-3,1e-1,3 --epochs 20
check "sweep from a file: one rank, 3 rates x 1 seed" test "$(wc -l <<<"$out")" = 4
check "sweep from a file: the file's rank" test "$(cut -d, -f1 <<<"$out" | sort -u | head -n 1)" = 3
run ghost rnn-sweep --weights "$w/rank_k.npz" --rates 1e-2,1e-2,1 --epochs 4 --save-weights "$w/sweep.npz"
run ghost rnn-train --weights "$w/rank_k.npz" --epochs 4 --lr 1e-2 --save-weights "$w/train.npz"
check "a one-run sweep saves what rnn-train saves" cmp -s "$w/sweep.npz" "$w/train.npz"

# --- bad files and contradicting options ---------------------------------------------------------
"$py" -c "
import numpy as np, sys
d = sys.argv[1]
w = dict(np.load(d + '/rank_k.npz'))
np.savez(d + '/no_b.npz', **{k: v for k, v in w.items() if k != 'b'})
np.savez(d + '/bad_n.npz', **dict(w, n=w['n'].T))
np.savez(d + '/typo.npz', **dict(w, W_ot=w['W_out']))
np.savez(d + '/no_b_out.npz', **{k: v for k, v in w.items() if k != 'b_out'})
np.savez(d + '/full_no_n.npz', **{k: v for k, v in w.items() if k != 'n'})
m = w['m'].copy(); m[1, 2] = np.nan
np.savez(d + '/nan.npz', **dict(w, m=m))
np.savez(d + '/rank0.npz', **dict(w, m=w['m'][:, :0], n=w['n'][:0]))
" "$w"
bad "missing b" "'b': is missing" ghost rnn-train --weights "$w/no_b.npz"
bad "n transposed" "'n': has shape (7, 3); expected (3, 7)" ghost rnn-train --weights "$w/bad_n.npz"
bad "unknown array name" "'W_ot': is not a parameter" ghost rnn-train --weights "$w/typo.npz"
bad "W_out without b_out" "'b_out': is missing" ghost rnn-train --weights "$w/no_b_out.npz"
bad "m (N, K) without n" "'n': is missing" ghost rnn-train --weights "$w/full_no_n.npz"
bad "NaN weight" "is NaN" ghost rnn-train --weights "$w/nan.npz"
bad "rank 0 factor" "rank K = 0" ghost rnn-train --weights "$w/rank0.npz"
bad "no such file" "nothing.npz" ghost rnn-train --weights "$w/nothing.npz"
bad "empty --weights" "weights" ghost rnn-train --weights ""
bad "empty --save-weights" "save-weights" ghost rnn-train --save-weights ""
bad "--N contradicts the file" "invalid N = 9: allowed 7" ghost rnn-train --weights "$w/rank_k.npz" --N 9
bad "--rank contradicts the file" "invalid rank = 2: allowed 3" ghost rnn-train --weights "$w/rank_k.npz" --rank 2
bad "latent readout with W_out" "invalid readout = latent" ghost rnn-train --weights "$w/rank_k1.npz" --readout latent
bad "population readout without W_out" "invalid readout = sigmoid" ghost rnn-train --weights "$w/rank_one.npz" --readout sigmoid
bad "DCD from a DA file (no W_in)" "invalid task = dcd" ghost rnn-train --weights "$w/rank_k.npz" --task dcd
bad "DA from a DCD file" "invalid task = da: allowed dcd | dmts" ghost rnn-train --weights "$w/dcd_rank2.npz"
bad "--init with --weights" "init" ghost rnn-train --weights "$w/rank_k.npz" --init xavier
bad "slow-points: --N contradicts" "invalid N" ghost rnn-slow-points --weights "$w/rank_one.npz" --N 3 --at 0
bad "sweep: other ranks" "rank" ghost rnn-sweep --weights "$w/rank_k.npz" --ranks 1,3 --rates 1e-2,1e-2,1 --epochs 2
bad "sweep: save of many runs" "save-weights" ghost rnn-sweep --weights "$w/rank_k.npz" --rates 1e-3,1e-2,2 --epochs 2 \
    --save-weights "$w/many.npz"
check "sweep: nothing written on refusal" test ! -e "$w/many.npz"
mkdir -p "$w/notes" && echo hi >"$w/notes/README"
bad "save into a folder holding other files" "notes" ghost rnn-train --N 5 --epochs 1 --save-weights "$w/notes"
check "the folder is untouched" test "$(cat "$w/notes/README")" = hi

finish "ghost rnn weights CLI"
