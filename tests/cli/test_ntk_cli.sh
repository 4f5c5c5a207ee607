#!/usr/bin/env bash
# `learndyn ntk` as users and scripts see it (proofs/ntk.md): JSON fields, exactness of Hutch++
# when the sketch spans the space, determinism (seeds, threads), export/manifest round trip,
# PyTorch's GRU layout against an independent pure-Python GRU with finite differences, and
# one-line errors naming the parameter. Usage: test_ntk_cli.sh path/to/learndyn
source "$(dirname "${BASH_SOURCE[0]}")/harness.sh"
# value of "key": {"value": V} or "key": V in pretty JSON
value() { python3 -c "import json,sys; d=json.load(sys.stdin); v=d$1; print(repr(v['value'] if isinstance(v, dict) else v))" <<<"$out"; }
close() {  # close A B RELTOL
  python3 -c "import sys; a,b,t=map(float,sys.argv[1:]); sys.exit(0 if abs(a-b) <= t*max(abs(a),abs(b)) else 1)" "$1" "$2" "$3"
}

# --- metrics: exit 0, fields ------------------------------------------------------------------
run ntk metrics --json --ranks --top-k 2 --core-cosine
check "metrics exits 0" test "$rc" = 0
for key in '["trace"]' '["frobenius"]' '["participation_ratio"]' '["core_cosine"]' '["ranks"]["temporal"]' \
           '["ranks"]["spatial"]' '["ranks"]["batch"]' '["top_eigenvalues"][1]'; do
  check "field $key" test -n "$(value "$key" 2>/dev/null)"
done
with_cosine="$out"
# core_cosine is opt-in (its own probes: as many extra matvecs): absent without the flag, and
# every other field the same bytes.
run ntk metrics --json --ranks --top-k 2
check "no core_cosine field without --core-cosine" python3 -c "
import json, sys; a, b = json.loads(sys.argv[1]), json.loads(sys.argv[2])
ok = 'core_cosine' not in a and a == {k: v for k, v in b.items() if k != 'core_cosine'}
sys.exit(0 if ok else 1)" "$out" "$with_cosine"

# --- Hutch++ is exact when the sketch spans the state space (N = 2*3*2 = 12 <= 16) (N29) -------
tiny=(--model gru --hidden 2 --inputs 1 --batch 2 --steps 3)
run ntk metrics "${tiny[@]}" --estimator exact --json
exact_tr=$(value '["trace"]'); exact_pr=$(value '["participation_ratio"]')
run ntk metrics "${tiny[@]}" --sketch 16 --residual 0 --json
check "hutch++ trace exact on rank <= sketch" close "$(value '["trace"]')" "$exact_tr" 1e-10
check "hutch++ PR exact on rank <= sketch" close "$(value '["participation_ratio"]')" "$exact_pr" 1e-10

# --- determinism: same seed, same bytes; threads do not matter ---------------------------------
run ntk metrics --json --estimator-seed 5 --threads 1; a="$out"
run ntk metrics --json --estimator-seed 5 --threads 2; b="$out"
check "1 and 2 threads give the same output" test "$a" = "$b"
run ntk metrics --json --estimator-seed 5 --threads 8; b="$out"
check "1 and 8 threads give the same output" test "$a" = "$b"
run ntk metrics --json --estimator-seed 6; c="$out"
check "another probe seed gives another estimate" test "$a" != "$c"

# --- --precision float32 (proofs/ntk.md N52-N58) ---------------------------------------------------
# float64 is the default and adds no field; float32 adds "precision": "float32", is the same
# bytes for any thread count, and its estimates are those of float64 within N58's relative size
# for these small models (1e-4 is far above it and far below an O(1) mistake).
run ntk metrics --json --estimator hutchinson --probes 16 --precision float64; f64="$out"
run ntk metrics --json --estimator hutchinson --probes 16; check "float64 is the default (same bytes)" test "$out" = "$f64"
check "no precision field for float64" python3 -c "import json,sys; sys.exit('precision' in json.loads(sys.argv[1]))" "$f64"
run ntk metrics --json --estimator hutchinson --probes 16 --precision float32 --threads 1; f32="$out"
check "float32 exits 0" test "$rc" = 0
check "float32 report says so" test "$(value '["precision"]')" = "'float32'"
run ntk metrics --json --estimator hutchinson --probes 16 --precision float32 --threads 2
check "float32: 1 and 2 threads give the same output" test "$out" = "$f32"
for key in trace frobenius participation_ratio; do
  out="$f32"; a=$(value "[\"$key\"]"); out="$f64"; b=$(value "[\"$key\"]")
  check "float32 $key within 1e-4 of float64" close "$a" "$b" 1e-4
  check "float32 $key differs from float64 in the last bits" test "$a" != "$b"
done
bad "--precision float16" precision ntk metrics --precision float16
bad "--precision float16 with attention" precision ntk metrics --model attention --precision float16
# The attention model's float32 path (N68-N72): the same contract, on its default model and on
# a manifest of it; the float64 bytes do not depend on the float32 path existing (the default
# and --precision float64 agree byte for byte).
run ntk metrics --model attention --json --estimator hutchinson --probes 16 --precision float64; af64="$out"
run ntk metrics --model attention --json --estimator hutchinson --probes 16
check "attention: float64 is the default (same bytes)" test "$out" = "$af64"
check "attention: no precision field for float64" python3 -c "import json,sys; sys.exit('precision' in json.loads(sys.argv[1]))" "$af64"
run ntk metrics --model attention --json --estimator hutchinson --probes 16 --precision float32 --threads 1; af32="$out"
check "attention float32 exits 0" test "$rc" = 0
check "attention float32 report says so" test "$(value '["precision"]')" = "'float32'"
for threads in 2 5; do
  run ntk metrics --model attention --json --estimator hutchinson --probes 16 --precision float32 --threads $threads
  check "attention float32: 1 and $threads threads give the same output" test "$out" = "$af32"
done
for key in trace frobenius participation_ratio; do
  out="$af32"; a=$(value "[\"$key\"]"); out="$af64"; b=$(value "[\"$key\"]")
  check "attention float32 $key within 1e-4 of float64" close "$a" "$b" 1e-4
  check "attention float32 $key differs from float64 in the last bits" test "$a" != "$b"
done

# --- export -> manifest round trip --------------------------------------------------------------
for model in gru rnn_rate rnn_vanilla; do
  run ntk export --model "$model" --alpha 0.5 --seed 3 --dir "$scratch/$model"
  check "export $model exits 0" test "$rc" = 0
  run ntk metrics --model "$model" --alpha 0.5 --seed 3 --json; builtin=$(grep -v '"source"' <<<"$out")
  run ntk metrics --manifest "$scratch/$model/model.json" --json; byom=$(grep -v '"source"' <<<"$out")
  check "manifest of exported $model gives the built-in numbers" test "$builtin" = "$byom"
done

# --- the arrays as one .npz (--arrays npz) give the same numbers as the .npy files ---------------
run ntk export --model gru --alpha 0.5 --seed 3 --arrays npz --dir "$scratch/gru_npz"
check "export --arrays npz exits 0" test "$rc" = 0
check "export --arrays npz writes model.json and model.npz only" test "$(ls "$scratch/gru_npz" | tr '\n' ' ')" = "model.json model.npz "
run ntk metrics --manifest "$scratch/gru/model.json" --json; npy=$(grep -v '"source"' <<<"$out")
run ntk metrics --manifest "$scratch/gru_npz/model.json" --json; npz=$(grep -v '"source"' <<<"$out")
check "manifest with model.npz gives the numbers of the .npy folder" test "$npy" = "$npz"

# --- "batch_first": false reads torch's time-major (T, B, n_in) inputs: the exported model with x
# transposed (B = 4, T = 10 by default) gives the same bytes as its batch-first twin (N50).
/usr/bin/python3 - "$scratch/gru" "$scratch/gru_tm" <<'PY'
import json, os, shutil, sys
import numpy as np
src, dst = sys.argv[1:]
shutil.copytree(src, dst)
np.save(os.path.join(dst, "x.npy"), np.load(os.path.join(src, "x.npy")).transpose(1, 0, 2).copy())
m = json.load(open(os.path.join(src, "model.json"))); m["batch_first"] = False
json.dump(m, open(os.path.join(dst, "model.json"), "w"))
PY
run ntk metrics --manifest "$scratch/gru_tm/model.json" --json; tm=$(grep -v '"source"' <<<"$out")
check "batch_first false: time-major x gives the batch-first twin's numbers" test "$npy" = "$tm"
run ntk metrics --manifest "$scratch/gru_tm/model.json" --json
check "batch_first false: B and T as torch's (T, B, n_in) states them" test "$(value '["model"]["batch"]'),$(value '["model"]["steps"]')" = "4,10"

# --- ntk export --case: the golden case's model, id and certified values; metrics on it
# reproduces them (the fast exact values within the bounds of N51)
for id in $("$bin" oracle show --list | grep '^ntk\.metrics\.'); do
  run ntk export --case "$id" --arrays npz --dir "$scratch/case"
  check "export --case $id exits 0" test "$rc" = 0
  run ntk metrics --manifest "$scratch/case/model.json" --estimator exact --json
  check "case $id: metrics reproduces the golden values" /usr/bin/python3 -c "
import json, sys
r = json.loads(sys.argv[1]); g = r['golden']; m = r['model']
assert g['case'] == sys.argv[2], g['case']
k = 3 if m['kind'] == 'gru' else 1
eps = 64 * m['steps'] * (k * m['hidden'] + m['hidden'] + m['inputs'] + 1) * 2.0**-53
bound = {'trace': eps, 'frobenius': eps, 'participation_ratio': 4 * eps, 'participation_ratio_AAstar': 4 * eps}
checked = [q for q in bound if g['values'][q]['relative_difference'] <= bound[q] and g['values'][q]['certified_digits'] >= 40]
assert len(checked) == 4, (eps, g)
assert abs(float(g['values']['trace']['expected']) - r['trace']['value']) <= eps * r['trace']['value']
" "$out" "$id"
done
run oracle show --case "$id" --json; shown="$out"
check "export --case writes the values oracle show prints" /usr/bin/python3 -c "
import json, sys
shown = json.loads(sys.argv[1]); m = json.load(open(sys.argv[2]))
assert all(m['expected'][q]['value'] == shown[q] for q in m['expected']), (m['expected'], shown)
" "$shown" "$scratch/case/model.json"

# --- PyTorch GRU layout: an independent pure-Python GRU (torch.nn.GRU's equations, gate rows
# r, z, n; b_hn inside r * (W_hn h + b_hn)) and tr NTK_S = ||dh/dtheta||_F^2 by central
# differences (step 1e-6: relative error ~1e-9), against --estimator exact.
python3 - "$scratch/torch" <<'PY'
import json, math, os, random, struct, sys
d = sys.argv[1]; os.makedirs(d, exist_ok=True)
H, I, B, T = 3, 2, 2, 4
rnd = random.Random(7)
def mat(r, c): return [[rnd.uniform(-0.8, 0.8) for _ in range(c)] for _ in range(r)]
w_ih, w_hh = mat(3 * H, I), mat(3 * H, H)
b_ih, b_hh = [rnd.uniform(-0.3, 0.3) for _ in range(3 * H)], [rnd.uniform(-0.3, 0.3) for _ in range(3 * H)]
x = [[[rnd.gauss(0, 1) for _ in range(I)] for _ in range(T)] for _ in range(B)]
def save(name, flat, shape):
    dims = ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "")
    header = "{'descr': '<f8', 'fortran_order': False, 'shape': (%s), }" % dims
    header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
    with open(os.path.join(d, name), "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode())
        f.write(struct.pack("<%dd" % len(flat), *flat))
flat = lambda m: [v for row in m for v in row]
save("w_ih.npy", flat(w_ih), (3 * H, I)); save("w_hh.npy", flat(w_hh), (3 * H, H))
save("b_ih.npy", b_ih, (3 * H,)); save("b_hh.npy", b_hh, (3 * H,))
save("x.npy", [v for b in x for t in b for v in t], (B, T, I))
json.dump({"model": "gru", "hidden": H, "inputs": I, "bias": True, "batch_first": True,
           "weights": {"weight_ih_l0": "w_ih.npy", "weight_hh_l0": "w_hh.npy",
                       "bias_ih_l0": "b_ih.npy", "bias_hh_l0": "b_hh.npy"}, "x": "x.npy"},
          open(os.path.join(d, "model.json"), "w"))
theta = flat(w_ih) + flat(w_hh) + b_ih + b_hh
def states(th):
    wi = [th[r * I:(r + 1) * I] for r in range(3 * H)]
    o = 3 * H * I; wh = [th[o + r * H:o + (r + 1) * H] for r in range(3 * H)]
    o += 3 * H * H; bi = th[o:o + 3 * H]; bh = th[o + 3 * H:o + 6 * H]
    sig = lambda v: 1 / (1 + math.exp(-v)); out = []
    for b in range(B):
        h = [0.0] * H
        for t in range(T):
            gi = [sum(wi[r][k] * x[b][t][k] for k in range(I)) + bi[r] for r in range(3 * H)]
            gh = [sum(wh[r][j] * h[j] for j in range(H)) + bh[r] for r in range(3 * H)]
            r_ = [sig(gi[i] + gh[i]) for i in range(H)]
            z_ = [sig(gi[H + i] + gh[H + i]) for i in range(H)]
            n_ = [math.tanh(gi[2 * H + i] + r_[i] * gh[2 * H + i]) for i in range(H)]
            h = [(1 - z_[i]) * n_[i] + z_[i] * h[i] for i in range(H)]
            out += h
    return out
eps, tr = 1e-6, 0.0
for p in range(len(theta)):
    tp, tm = list(theta), list(theta); tp[p] += eps; tm[p] -= eps
    tr += sum(((a - b) / (2 * eps)) ** 2 for a, b in zip(states(tp), states(tm)))
open(os.path.join(d, "trace.txt"), "w").write(repr(tr))
PY
run ntk metrics --manifest "$scratch/torch/model.json" --estimator exact --json
check "torch-layout GRU: exits 0" test "$rc" = 0
check "torch-layout GRU: tr NTK_S = ||dh/dtheta||^2 (finite differences)" close "$(value '["trace"]')" "$(cat "$scratch/torch/trace.txt")" 1e-6

# --- self-attention + MLP (--model attention, proofs/ntk.md N41-N47) ---------------------------
run ntk metrics --model attention --json --ranks --top-k 2 --core-cosine
check "attention metrics exits 0" test "$rc" = 0
check "attention: kind and every metrics field" python3 -c "
import json, sys; d = json.loads(sys.argv[1])
ok = d['model']['kind'] == 'attention' and all(k in d for k in ('trace', 'frobenius', 'participation_ratio', 'core_cosine'))
ok = ok and all(k in d['ranks'] for k in ('temporal', 'spatial', 'batch')) and len(d['top_eigenvalues']) == 2
sys.exit(0 if ok else 1)" "$out"
# N = B T (4 d_a + d_h + d_out) = 1 * 3 * 6 = 18 <= sketch: Hutch++ is exact (N29).
atiny=(--model attention --inputs 1 --attention 1 --mlp 1 --outputs 1 --batch 1 --steps 3)
run ntk metrics "${atiny[@]}" --estimator exact --json; exact="$out"
run ntk metrics "${atiny[@]}" --sketch 18 --residual 0 --json
check "attention: hutch++ trace and PR exact on rank <= sketch" python3 -c "
import json, sys; e, h = json.loads(sys.argv[1]), json.loads(sys.argv[2])
close = lambda a, b: abs(a - b) <= 1e-10 * max(abs(a), abs(b))
sys.exit(0 if all(close(e[k]['value'], h[k]['value']) for k in ('trace', 'participation_ratio')) else 1)" "$exact" "$out"
run ntk metrics --model attention --json --estimator-seed 5 --threads 1; a="$out"
run ntk metrics --model attention --json --estimator-seed 5 --threads 2; b="$out"
check "attention: 1 and 2 threads give the same output" test "$a" = "$b"
run ntk metrics --model attention --json --estimator-seed 5 --threads 3; b="$out"
check "attention: 1 and 3 threads give the same output" test "$a" = "$b"

# export -> manifest round trip; at this tiny size the small-product path once made 1 and 2
# threads differ in the last bit (fast/ntk/attention_kernels_avx2.cpp), so both are compared.
asmall=(--model attention --inputs 2 --attention 3 --mlp 4 --outputs 2 --batch 2 --steps 5 --seed 3)
run ntk export "${asmall[@]}" --dir "$scratch/attention"
check "attention export exits 0" test "$rc" = 0
run ntk metrics "${asmall[@]}" --json --ranks --threads 1; builtin=$(grep -v '"source"' <<<"$out")
run ntk metrics --manifest "$scratch/attention/model.json" --json --ranks --threads 2; byom=$(grep -v '"source"' <<<"$out")
check "attention manifest of the exported model gives the built-in numbers (1 vs 2 threads)" test "$builtin" = "$byom"

# An independent pure-Python attention block (N41's equations, the built-in draws of
# common/random.hpp's SplitMix64 + Box-Muller) and tr NTK_S = ||dh/dtheta||_F^2 over the whole
# global state (q, k, v, a, u, y) by central differences (step 1e-6: relative error ~1e-9),
# against --estimator exact's trace to 1e-6.
run ntk metrics --model attention --inputs 2 --attention 2 --mlp 3 --outputs 2 --batch 2 --steps 3 --seed 4 \
  --estimator exact --json
check "attention: tr NTK_S = ||dh/dtheta||^2 (pure-Python finite differences)" python3 - "$out" <<'PY'
import json, math, sys
DI, DA, DH, DO, B, T, SEED = 2, 2, 3, 2, 2, 3, 4
M64 = (1 << 64) - 1
class Rng:
    def __init__(self, seed): self.s = seed & M64
    def next(self):
        self.s = (self.s + 0x9E3779B97F4A7C15) & M64; z = self.s
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
        return z ^ (z >> 31)
    def uniform(self): return (self.next() >> 11) * 2.0 ** -53
    def normal(self):
        u1 = 1.0 - self.uniform(); u2 = self.uniform()
        return math.sqrt(-2.0 * math.log(u1)) * math.cos(6.283185307179586 * u2)
rng = Rng(SEED); theta = []
for count, fan in ((3 * DA * DI, DI), (DH * DA, DA), (DH, 10), (DO * DH, DH), (DO, 10)):
    theta += [rng.normal() / math.sqrt(fan) for _ in range(count)]
rng = Rng((SEED + 1) ^ 0xA77E17)
x = [[rng.normal() for _ in range(DI)] for _ in range(B * T)]
def states(th):
    o = 0
    def take(r, c):
        nonlocal o
        m = [th[o + i * c:o + (i + 1) * c] for i in range(r)]; o += r * c; return m
    wq, wk, wv, w1 = take(DA, DI), take(DA, DI), take(DA, DI), take(DH, DA)
    b1 = th[o:o + DH]; o += DH
    w2 = take(DO, DH); b2 = th[o:o + DO]
    mv = lambda w, v: [sum(wi * vi for wi, vi in zip(row, v)) for row in w]
    out = []
    for b in range(B):
        xs = x[b * T:(b + 1) * T]
        q, k, v = [mv(wq, xt) for xt in xs], [mv(wk, xt) for xt in xs], [mv(wv, xt) for xt in xs]
        for t in range(T):
            e = [math.exp(sum(a * c for a, c in zip(q[t], k[s])) / math.sqrt(DA)) for s in range(T)]
            a = [sum(e[s] * v[s][r] for s in range(T)) / sum(e) for r in range(DA)]
            u = [z + bb for z, bb in zip(mv(w1, a), b1)]
            y = [z + bb for z, bb in zip(mv(w2, [math.tanh(ui) for ui in u]), b2)]
            out += q[t] + k[t] + v[t] + a + u + y
    return out
eps, tr = 1e-6, 0.0
for p in range(len(theta)):
    tp, tm = list(theta), list(theta); tp[p] += eps; tm[p] -= eps
    tr += sum(((a - b) / (2 * eps)) ** 2 for a, b in zip(states(tp), states(tm)))
exact = json.loads(sys.argv[1])["trace"]["value"]
sys.exit(0 if abs(exact - tr) <= 1e-6 * max(abs(exact), abs(tr)) else 1)
PY

# --- attention-rank (paper Figs. 6, 9) at a tiny size -------------------------------------------
arank=(ntk attention-rank --inputs 1,3 --seeds 0,1 --attention 2,4 --mlp 4 --batch 2 --steps 6)
run "${arank[@]}" --format json
check "attention-rank exits 0" test "$rc" = 0
# One row per (attention, inputs, seed), one summary per (attention, inputs); with d_in = 1 the
# summed inputs' T x T Gram has rank 1, so its PR is 1 (N25); every PR lies in [1, T] (N25).
check "attention-rank: rows, summary, PR = 1 at d_in = 1, ranks in [1, T]" python3 -c "
import json, sys; d = json.loads(sys.argv[1]); rows = d['rows']
ok = len(rows) == 8 and len(d['summary']) == 4
ok = ok and all(abs(r['temporal_rank_inputs'] - 1) <= 1e-12 for r in rows if r['inputs'] == 1)
ok = ok and all(1 - 1e-9 <= r[k] <= 6 + 1e-9 for r in rows for k in ('temporal_rank', 'temporal_rank_K'))
sys.exit(0 if ok else 1)" "$out"
run "${arank[@]}" --threads 1 -o "$scratch/rank1.csv" --figure "$scratch/rank.png"
check "attention-rank -o --figure exits 0" test "$rc" = 0
check "attention-rank: PNG written" test "$(head -c 4 "$scratch/rank.png" | tail -c 3)" = PNG
run "${arank[@]}" --threads 2 -o "$scratch/rank2.csv"
check "attention-rank: same CSV bytes with 1 and 2 threads" cmp -s "$scratch/rank1.csv" "$scratch/rank2.csv"
check "attention-rank: CSV header and 8 rows" test "$(wc -l <"$scratch/rank1.csv")" = 9

# --- bad input: exit 2, one line naming the parameter, nothing on stdout -----------------------
bad "unknown model" "model" ntk metrics --model lstm
bad "hidden 0" "hidden" ntk metrics --hidden 0
bad "alpha > 1" "alpha" ntk metrics --alpha 2
bad "estimator" "estimator" ntk metrics --estimator magic
bad "exact too large" "estimator" ntk metrics --estimator exact --batch 100 --steps 100
bad "threads above 256" "threads" ntk metrics --threads 257
# Sizes whose memory cannot be had are refused up front, not left to end in std::bad_alloc.
bad "NTK work memory" "size" ntk metrics --estimator exact --hidden 4096 --inputs 1 --batch 1 --steps 1 --threads 1
bad "input entries" "B T n_in" ntk metrics --hidden 1 --inputs 4096 --batch 100000 --steps 500
bad "export input entries" "B T n_in" ntk export --hidden 1 --inputs 4096 --batch 100000 --steps 500 --dir "$scratch/never"
check "refused export writes nothing" test ! -e "$scratch/never"
bad "export gain overflows the weights" "gain" ntk export --gain 1e308 --dir "$scratch/never"
check "overflowing export writes nothing" test ! -e "$scratch/never"
bad "export empty dir" "dir" ntk export --dir ""
# A zero NTK_S (saturated model) has undefined ratios: refused, not printed as null.
bad "zero NTK" "gain" ntk metrics --gain 1e300 --hidden 4 --inputs 2 --batch 2 --steps 3
# Under a 3 GB address space the estimate (8.57 GB at n = 4096; n = 2048 now runs in it: one core
# workspace per worker, N61) is refused up front, naming hidden; with
# the budget lifted past the estimate (LEARNDYN_MEMORY_BUDGET), out of memory on 2 threads is an
# error (exit 1), not std::terminate (an abort). Skipped where a 3 GB address space cannot even
# start the binary (the sanitizers reserve more).
if (ulimit -v 3000000; "$bin" --version) >/dev/null 2>&1; then
  (ulimit -v 3000000; "$bin" ntk metrics --hidden 4096 --inputs 1 --batch 1 --steps 1 --threads 2 \
    >/dev/null 2>"$scratch/err"); rc=$?
  check "over the address-space budget: refused up front (exit 2)" test "$rc" = 2
  check "over the address-space budget: names hidden" grep -q 'invalid hidden = 4096' "$scratch/err"
  (ulimit -v 3000000; LEARNDYN_MEMORY_BUDGET=1e12 "$bin" ntk metrics --hidden 4096 --inputs 1 --batch 1 --steps 1 \
    --threads 2 >/dev/null 2>"$scratch/err"); rc=$?
  check "out of memory on 2 threads exits 1" test "$rc" = 1
  check "out of memory on 2 threads says so" grep -q 'failed: out of memory' "$scratch/err"
fi
bad "missing manifest" "nope.json" ntk metrics --manifest "$scratch/nope.json"
cp -r "$scratch/torch" "$scratch/broken"
python3 - "$scratch/broken/model.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1])); m["hidden"] = 4; json.dump(m, open(sys.argv[1], "w"))
PY
bad "manifest shape mismatch" "weights.weight_ih_l0" ntk metrics --manifest "$scratch/broken/model.json"
echo '{"model": "lstm"}' >"$scratch/broken/kind.json"
bad "manifest model kind" '$.model' ntk metrics --manifest "$scratch/broken/kind.json"
echo '{not json' >"$scratch/broken/bad.json"
bad "manifest not JSON" "bad.json" ntk metrics --manifest "$scratch/broken/bad.json"
# The layout is stated, never guessed; a misspelt key is not ignored; nothing after the document.
/usr/bin/python3 - "$scratch/broken" <<'PY'
import json, os, sys
d = sys.argv[1]; m = json.load(open(os.path.join(d, "model.json"))); m["hidden"] = 3
json.dump({k: v for k, v in m.items() if k != "batch_first"}, open(os.path.join(d, "no_layout.json"), "w"))
json.dump(dict(m, batch_frist=True), open(os.path.join(d, "typo.json"), "w"))
open(os.path.join(d, "trailing.json"), "w").write(json.dumps(m) + " x")
json.dump(dict(m, weights=dict(m["weights"], weight_ih_l1="w_ih.npy")), open(os.path.join(d, "layers.json"), "w"))
json.dump(dict(m, arrays="nope.npz"), open(os.path.join(d, "arrays.json"), "w"))
PY
bad "manifest without batch_first" "batch_first" ntk metrics --manifest "$scratch/broken/no_layout.json"
bad "manifest misspelt key" '$.batch_frist' ntk metrics --manifest "$scratch/broken/typo.json"
bad "manifest trailing bytes" "trailing.json" ntk metrics --manifest "$scratch/broken/trailing.json"
bad "manifest second layer" '$.weights.weight_ih_l1' ntk metrics --manifest "$scratch/broken/layers.json"
bad "manifest missing arrays file" "nope.npz" ntk metrics --manifest "$scratch/broken/arrays.json"
/usr/bin/python3 - "$scratch/gru_npz/model.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1])); m["x"] = "inputs"
json.dump(m, open(sys.argv[1].replace("model.json", "name.json"), "w"))
PY
bad "manifest name not in the .npz" '$.x' ntk metrics --manifest "$scratch/gru_npz/name.json"
for option in "--hidden 4" "--model rnn_rate" "--batch 2" "--steps 3" "--seed 1" "--no-bias" "--inputs 2" "--alpha 0.5" "--gain 2"; do
  read -r -a words <<<"$option"
  bad "${words[0]} beside --manifest" "${words[0]#--}" ntk metrics --manifest "$scratch/gru/model.json" "${words[@]}"
done
bad "export unknown case" "case" ntk export --case ntk.metrics.nope --dir "$scratch/never"
bad "export ghost case" "case" ntk export --case "$("$bin" oracle show --list | grep '^ghost' | head -1)" --dir "$scratch/never"
bad "export --case with a model option" "hidden" ntk export --case "$id" --hidden 4 --dir "$scratch/never"
bad "export arrays" "arrays" ntk export --arrays xml --dir "$scratch/never"
check "refused exports write nothing" test ! -e "$scratch/never"

bad "attention option on a recurrent model" "attention" ntk metrics --model gru --attention 4
bad "recurrent option on attention" "hidden" ntk metrics --model attention --hidden 4
bad "attention d_a 0" "attention" ntk metrics --model attention --attention 0
bad "attention mlp too large" "mlp" ntk metrics --model attention --mlp 5000
bad "attention exact too large" "estimator" ntk metrics --model attention --estimator exact --batch 10 --steps 20
bad "attention-rank inputs list" "inputs" ntk attention-rank --inputs 1,,2
bad "attention-rank inputs 0" "inputs" ntk attention-rank --inputs 0,2
bad "attention-rank format" "format" ntk attention-rank --format xml -o "$scratch/never.csv"
check "attention-rank bad format: nothing written" test ! -e "$scratch/never.csv"
bad "attention-rank steps" "steps" ntk attention-rank --steps 0
cp -r "$scratch/attention" "$scratch/attention_broken"
python3 - "$scratch/attention_broken/model.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1])); m["mlp"] = 5; json.dump(m, open(sys.argv[1], "w"))
PY
bad "attention manifest shape mismatch" "weights.W_1" ntk metrics --manifest "$scratch/attention_broken/model.json"

finish "ntk cli"
