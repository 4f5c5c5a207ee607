#!/usr/bin/env bash
# `learndyn overlaps filter | aba | equivalent` from a user's vectors (--vectors), writing them
# back (--save-vectors), and the theory alone from a Gram matrix (--sigma0), checked against an
# independent NumPy computation: NumPy draws the vectors, trains the linear network itself
# (its own forward pass and backpropagation through time, checked by central differences) and
# computes the Gram matrix exactly (fractions); learndyn's losses, final vectors and initial
# Gram matrix must agree within proofs/overlaps_experiments.md E20. Then the bad-input contract
# of every new option.
# Usage: test_overlaps_vectors_cli.sh path/to/learndyn path/to/python3-with-numpy
source "$(dirname "${BASH_SOURCE[0]}")/harness.sh"
py="$2"
"$py" -c "import numpy" || { echo "tests/cli: $py has no NumPy (Debian: python3-numpy)" >&2; exit 1; }

# --- NumPy's vectors, in both file forms and both element types ---------------------------
"$py" - "$scratch" <<'PY'
import os, sys
import numpy as np
d = sys.argv[1]
rng = np.random.default_rng(2026)
for rank, n in ((1, 30), (2, 24)):
    z, m = rng.normal(size=n), rng.normal(size=n)
    u, v = rng.normal(size=(n, rank)), rng.normal(size=(n, rank))
    np.savez(f"{d}/r{rank}.npz", z=z, m=m, u=u, v=v)
    os.makedirs(f"{d}/r{rank}_folder")
    for name, a in (("z", z), ("m", m), ("u", np.asfortranarray(u)), ("v", v)):
        np.save(f"{d}/r{rank}_folder/{name}.npy", a)
# float32 values are exact in float64: the same network as its float64 copy
z32 = rng.normal(size=20).astype(np.float32); m32 = rng.normal(size=20).astype(np.float32)
u32 = rng.normal(size=20).astype(np.float32); v32 = rng.normal(size=20).astype(np.float32)
np.savez(f"{d}/f32.npz", z=z32, m=m32, u=u32, v=v32)  # rank 1 as 1-D u, v
np.savez(f"{d}/f64.npz", z=z32.astype(np.float64), m=m32.astype(np.float64),
         u=u32.astype(np.float64)[:, None], v=v32.astype(np.float64)[:, None])
PY

# The independent model: the linear rank-R network (readout after the update) on the filter
# task, its loss and BPTT gradient in NumPy, SGD at rate N lr.
cat >"$scratch/model.py" <<'PY'
import numpy as np
from fractions import Fraction

def task(dt, T, decay, frequency=0.0):
    t = np.arange(T) * (dt * T / (T - 1))          # the public code's time axis (O25)
    x = np.zeros(T); x[0] = 1 / dt
    return x, np.exp(-decay * t) * np.cos(frequency * t), np.full(T, dt)

def loss_grad(z, m, U, V, dt, x, ystar, w):
    N, T = len(z), len(x)
    h = [np.zeros(N)]
    for k in range(T):
        h.append(h[k] + dt * (-h[k] + U @ (V.T @ h[k]) / N + m * x[k]))
    y = np.array([z @ h[k + 1] / N for k in range(T)])
    e = 2 * w * (y - ystar)
    gz, gm, gU, gV = np.zeros(N), np.zeros(N), np.zeros_like(U), np.zeros_like(V)
    mu = np.zeros(N)                                  # dL/dh_{k+1}
    for k in reversed(range(T)):
        mu = mu + e[k] * z / N
        gz += e[k] * h[k + 1] / N
        r = V.T @ h[k] / N
        gU += dt * np.outer(mu, r)
        gm += dt * x[k] * mu
        rho = dt * U.T @ mu
        gV += np.outer(h[k], rho) / N
        mu = (1 - dt) * mu + V @ rho / N
    return float(np.sum(w * (y - ystar) ** 2)), gz, gm, gU, gV

def train(z, m, U, V, dt, T, decay, lr, epochs, frequency=0.0):
    x, ystar, w = task(dt, T, decay, frequency)
    N, losses = len(z), []
    for _ in range(epochs):
        L, gz, gm, gU, gV = loss_grad(z, m, U, V, dt, x, ystar, w)
        losses.append(L)
        z, m, U, V = z - N * lr * gz, m - N * lr * gm, U - N * lr * gU, V - N * lr * gV
    losses.append(loss_grad(z, m, U, V, dt, x, ystar, w)[0])
    return losses, (z, m, U, V)

def exact_gram(z, m, U, V):
    """C^T C / N with C = [z v_1..v_R m u_1..u_R] (O5), each entry exact, rounded once."""
    C = np.column_stack([z, V, m, U]); n = C.shape[1]; N = C.shape[0]
    F = [[Fraction(float(c)) for c in row] for row in C]
    return np.array([[float(sum(F[i][a] * F[i][b] for i in range(N)) / N) for b in range(n)] for a in range(n)])

def gradient_checked(z, m, U, V, dt, T, decay, frequency=0.0):
    """The NumPy gradient against central differences (a wrong model must not pass)."""
    x, ystar, w = task(dt, T, decay, frequency)
    _, gz, gm, gU, gV = loss_grad(z, m, U, V, dt, x, ystar, w)
    h, worst = 1e-6, 0.0
    for i in (0, len(z) // 2):
        for name, g in (("z", gz), ("m", gm)):
            p = {"z": z, "m": m}[name].copy(); p[i] += h
            q = {"z": z, "m": m}[name].copy(); q[i] -= h
            args = lambda a: (a, m, U, V) if name == "z" else (z, a, U, V)
            fd = (loss_grad(*args(p), dt, x, ystar, w)[0] - loss_grad(*args(q), dt, x, ystar, w)[0]) / (2 * h)
            worst = max(worst, abs(fd - g[i]) / max(1e-3, abs(g[i])))
        for name, g, M in (("U", gU, U), ("V", gV, V)):
            p, q = M.copy(), M.copy(); p[i, 0] += h; q[i, 0] -= h
            args = (lambda a: (z, m, a, V)) if name == "U" else (lambda a: (z, m, U, a))
            fd = (loss_grad(*args(p), dt, x, ystar, w)[0] - loss_grad(*args(q), dt, x, ystar, w)[0]) / (2 * h)
            worst = max(worst, abs(fd - g[i, 0]) / max(1e-3, abs(g[i, 0])))
    return worst
PY

# --- filter: training from the file, against NumPy ------------------------------------------
for rank in 1 2; do
  run overlaps filter --vectors "$scratch/r$rank.npz" --T 40 --dt 0.1 --lr 1e-2 --epochs 4 --record-every 1 \
      --format json --save-vectors "$scratch/out$rank.npz" -o "$scratch/f$rank.json"
  check "filter --vectors rank $rank: exit 0" test "$rc" = 0
  check "filter rank $rank: NumPy's network, loss and Gram matrix (E20)" "$py" - "$scratch" "$rank" <<'PY'
import json, sys
import numpy as np
sys.path.insert(0, sys.argv[1]); from model import train, exact_gram, gradient_checked
d, rank = sys.argv[1], int(sys.argv[2])
f = np.load(f"{d}/r{rank}.npz"); z, m, U, V = f["z"], f["m"], f["u"], f["v"]
decay, frequency = (0.2, 0.0) if rank == 1 else (0.3, 2.0)   # Figs 1, 5 and Fig 12's targets (E13)
assert gradient_checked(z, m, U, V, 0.1, 40, decay, frequency) < 1e-6, "NumPy gradient"
report = json.load(open(f"{d}/f{rank}.json"))
assert report["settings"]["N"] == len(z) and report["settings"]["rank"] == rank
t = report["trajectory"]; col = t["columns"].index("loss_network")
got = [row[col] for row in t["rows"]]
losses, final = train(z, m, U, V, 0.1, 40, decay, 1e-2, 4, frequency)
assert len(got) == 5 and max(abs(a - b) for a, b in zip(got, losses)) <= 1e-11 * losses[0], (got, losses)
s = np.load(f"{d}/out{rank}.npz")
scale = max(np.abs(a).max() for a in final)
for name, want in zip("zmuv", final):
    assert np.abs(s[f"final/{name}"] - want).max() <= 1e-11 * scale, name
for name, a in zip("zmuv", (z, m, U, V)):
    assert np.array_equal(s[f"initial/{name}"], a), name        # the start, exactly
assert np.array_equal(s["initial/sigma"], exact_gram(z, m, U, V))  # O45: the exact Gram matrix
PY
done

# A folder of .npy files (u in Fortran order) is the same network as the .npz.
run overlaps filter --vectors "$scratch/r1_folder" --T 40 --dt 0.1 --lr 1e-2 --epochs 4 --record-every 1 --format json
check "a folder of .npy files gives the .npz's run" test "$(grep -v '"vectors"' <<<"$out")" = "$(grep -v '"vectors"' "$scratch/f1.json")"
# float32 arrays (and rank-1 u, v as 1-D) are read exactly.
run overlaps filter --vectors "$scratch/f32.npz" --T 20 --dt 0.1 --epochs 3 --format json; a=$(grep -v '"vectors"' <<<"$out")
run overlaps filter --vectors "$scratch/f64.npz" --T 20 --dt 0.1 --epochs 3 --format json; b=$(grep -v '"vectors"' <<<"$out")
check "float32 vectors give their float64 copy's run" test "$a" = "$b"

# --- the seeded vectors reproduce the seeded run; --sigma0 reproduces its theory --------------
run overlaps filter --N 20 --T 40 --dt 0.1 --lr 1e-2 --epochs 6 --record-every 2 --seed 7 --save-vectors "$scratch/seeded"
seeded="$out"
"$py" - "$scratch" <<'PY'
import json, sys
import numpy as np
d = sys.argv[1]
np.savez(f"{d}/seeded_start.npz", **{k: np.load(f"{d}/seeded/initial/{k}.npy") for k in "zmuv"})
np.save(f"{d}/seeded_sigma.npy", np.load(f"{d}/seeded/initial/sigma.npy"))
json.dump(np.load(f"{d}/seeded/initial/sigma.npy").tolist(), open(f"{d}/seeded_sigma.json", "w"))
PY
run overlaps filter --T 40 --dt 0.1 --lr 1e-2 --epochs 6 --record-every 2 --vectors "$scratch/seeded_start.npz"
check "--vectors with the seed's vectors: the seeded run, byte for byte" test "$out" = "$seeded"
for form in npy json; do
  run overlaps filter --T 40 --dt 0.1 --lr 1e-2 --epochs 6 --record-every 2 --sigma0 "$scratch/seeded_sigma.$form"
  check "--sigma0 ($form): the seeded run's theory columns, byte for byte" "$py" - "$seeded" "$out" <<'PY'
import csv, io, sys
a = list(csv.DictReader(io.StringIO(sys.argv[1]))); b = list(csv.DictReader(io.StringIO(sys.argv[2])))
assert len(a) == len(b) and "loss_network" not in b[0]
for ra, rb in zip(a, b):
    for c in rb:
        if c.startswith("exact_"):
            assert abs(float(ra[c[6:]]) - float(rb[c])) <= 1e-12, c   # the network is the exact map (E1)
        else:
            assert ra[c] == rb[c], (c, ra[c], rb[c])
PY
done
run overlaps filter --T 40 --dt 0.1 --epochs 3 --sigma0 "$scratch/seeded_sigma.json" --figure "$scratch/alone.png" -o "$scratch/alone.csv"
check "--sigma0 draws its figure" test "$rc" = 0 -a -s "$scratch/alone.png"

# --- aba and equivalent from the file --------------------------------------------------------
run overlaps aba --vectors "$scratch/r1.npz" --T 40 --dt 0.1 --lr 1e-2 --phases A:3 --save-vectors "$scratch/aba.npz" --table phases
check "aba --vectors: exit 0" test "$rc" = 0
check "aba: trains the given vectors as NumPy does (task A = filter, c* 0.2)" "$py" - "$scratch" <<'PY'
import sys
import numpy as np
sys.path.insert(0, sys.argv[1]); from model import train
d = sys.argv[1]; f = np.load(f"{d}/r1.npz"); s = np.load(f"{d}/aba.npz")
_, final = train(f["z"], f["m"], f["u"], f["v"], 0.1, 40, 0.2, 1e-2, 3)
scale = max(np.abs(a).max() for a in final)
for name, want in zip("zmuv", final):
    assert np.array_equal(s[f"initial/{name}"], f[name]), name
    assert np.abs(s[f"final/{name}"] - want).max() <= 1e-11 * scale, name
PY
run overlaps equivalent --vectors "$scratch/r1.npz" --T 40 --dt 0.1 --lr 1e-2 --epochs 3 --theta2-uu 2 --theta2-mu 0.5 \
    --save-vectors "$scratch/eq" --table overlaps
check "equivalent --vectors: exit 0" test "$rc" = 0
check "equivalent: theta1 trains as NumPy's; theta2 keeps z, v, m, z.u, v.u and has the asked |u|^2, m.u" \
  "$py" - "$scratch" <<'PY'
import sys
import numpy as np
sys.path.insert(0, sys.argv[1]); from model import train
d = sys.argv[1]; f = np.load(f"{d}/r1.npz")
ld = lambda g, k: np.load(f"{d}/eq/{g}/{k}.npy")
_, final = train(f["z"], f["m"], f["u"], f["v"], 0.1, 40, 0.2, 1e-2, 3)
scale = max(np.abs(a).max() for a in final)
for name, want in zip("zmuv", final):
    assert np.array_equal(ld("theta1/initial", name), f[name]), name
    assert np.abs(ld("theta1/final", name) - want).max() <= 1e-11 * scale, name
N = 30; z, m, v, u2 = ld("theta2/initial", "z"), ld("theta2/initial", "m"), ld("theta2/initial", "v"), ld("theta2/initial", "u")
assert np.array_equal(z, f["z"]) and np.array_equal(m, f["m"]) and np.array_equal(v, f["v"])
u1 = f["u"]
assert abs(z @ u2[:, 0] - z @ u1[:, 0]) < 1e-12 * N and abs(v[:, 0] @ u2[:, 0] - v[:, 0] @ u1[:, 0]) < 1e-12 * N
assert abs(u2[:, 0] @ u2[:, 0] / N - 2) < 1e-13 and abs(m @ u2[:, 0] / N - 0.5) < 1e-13
PY

# --- nonlinear filter: every activation and readout runs; tanh on the reference ---------------
for act in erf tanh; do
  for readout in before after; do
    run overlaps filter --activation "$act" --readout "$readout" --N 16 --T 20 --dt 0.1 --epochs 3 --format json
    check "filter --activation $act --readout $readout: exit 0, nonlinear order" \
      "$py" -c "import json,sys; d=json.loads(sys.argv[1]); assert d['settings']['activation']=='$act' and d['settings']['readout']=='$readout'; assert d['overlaps'][:7]==['zm','zu','vm','vu','mu','mm','uu'] and sum(d['visible'])==7" "$out"
  done
done

# --- bad input: one line naming the option, exit 2, nothing written --------------------------
"$py" - "$scratch" <<'PY'
import json, sys
import numpy as np
d = sys.argv[1]; n = 8
ok = dict(z=np.ones(n), m=np.ones(n), u=np.ones((n, 1)), v=np.ones((n, 1)))
np.savez(f"{d}/missing_v.npz", z=ok["z"], m=ok["m"], u=ok["u"])
np.savez(f"{d}/short_m.npz", **{**ok, "m": np.ones(n - 1)})
np.savez(f"{d}/v_rank2.npz", **{**ok, "v": np.ones((n, 2))})
np.savez(f"{d}/nan.npz", **{**ok, "z": np.r_[np.ones(n - 1), np.nan]})
np.savez(f"{d}/ints.npz", **{**ok, "z": np.ones(n, dtype=np.int64)})
np.savez(f"{d}/tiny.npz", z=np.ones(3), m=np.ones(3), u=np.ones((3, 1)), v=np.ones((3, 1)))
json.dump([[1, 0.5, 0, 0], [0.4, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]], open(f"{d}/asym.json", "w"))
json.dump([[1, 2, 0, 0], [2, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]], open(f"{d}/indefinite.json", "w"))
json.dump([[1, 0, 0], [0, 1, 0], [0, 0, 1]], open(f"{d}/three.json", "w"))
np.save(f"{d}/six.npy", np.eye(6))
open(f"{d}/broken.json", "w").write("[[1, 0, 0, 0], [0, 1")
PY
f=(overlaps filter --T 20 --dt 0.1 --epochs 2)
bad "--vectors: no such file" "nosuch" "${f[@]}" --vectors "$scratch/nosuch.npz"
bad "--vectors: v missing" "array 'v': is missing" "${f[@]}" --vectors "$scratch/missing_v.npz"
bad "--vectors: m of the wrong length" "array 'm'" "${f[@]}" --vectors "$scratch/short_m.npz"
bad "--vectors: v of another rank than u" "array 'v'" "${f[@]}" --vectors "$scratch/v_rank2.npz"
bad "--vectors: a NaN" "is NaN" "${f[@]}" --vectors "$scratch/nan.npz"
bad "--vectors: integers" "not supported" "${f[@]}" --vectors "$scratch/ints.npz"
bad "--vectors with a contradicting --N" "invalid N" "${f[@]}" --vectors "$scratch/r1.npz" --N 31
bad "--vectors with a contradicting --rank" "invalid rank" "${f[@]}" --vectors "$scratch/r1.npz" --rank 2
bad "--vectors with --sigma0" "invalid sigma0" "${f[@]}" --vectors "$scratch/r1.npz" --sigma0 "$scratch/seeded_sigma.json"
bad "--vectors ''" "vectors" "${f[@]}" --vectors ""
bad "--sigma0: not symmetric" "not symmetric" "${f[@]}" --sigma0 "$scratch/asym.json"
bad "--sigma0: not PSD" "not positive semidefinite" "${f[@]}" --sigma0 "$scratch/indefinite.json"
bad "--sigma0: a 3 x 3 matrix" "has 3 rows" "${f[@]}" --sigma0 "$scratch/three.json"
bad "--sigma0: rank 2 with --rank 1" "invalid rank" "${f[@]}" --sigma0 "$scratch/six.npy" --rank 1
bad "--sigma0: broken JSON" "broken.json" "${f[@]}" --sigma0 "$scratch/broken.json"
bad "--sigma0 with --N" "invalid N" "${f[@]}" --sigma0 "$scratch/seeded_sigma.json" --N 20
bad "--save-vectors with --sigma0" "invalid save-vectors" "${f[@]}" --sigma0 "$scratch/seeded_sigma.json" --save-vectors "$scratch/x.npz"
bad "--save-vectors in a missing folder" "invalid save-vectors" "${f[@]}" --save-vectors "$scratch/no/such/x.npz"
bad "--activation relu" "invalid activation" "${f[@]}" --activation relu
bad "--readout middle" "invalid readout" "${f[@]}" --readout middle
bad "aba --vectors with --start" "invalid start" overlaps aba --vectors "$scratch/r1.npz" --start random --phases A:1
bad "aba --vectors of rank 2" "invalid rank" overlaps aba --vectors "$scratch/r2.npz" --phases A:1
bad "aba --vectors with N = 3" "invalid N" overlaps aba --vectors "$scratch/tiny.npz" --phases A:1
bad "equivalent --vectors with a contradicting --N" "invalid N" overlaps equivalent --vectors "$scratch/r1.npz" --N 500
mkdir -p "$scratch/precious"; echo notes >"$scratch/precious/notes.txt"
bad "--save-vectors to a folder holding other files, refused before the run" "precious" "${f[@]}" \
    --save-vectors "$scratch/precious" -o "$scratch/precious.csv"
check "... and nothing written" test ! -e "$scratch/precious.csv" -a "$(ls "$scratch/precious")" = notes.txt
mkdir -p "$scratch/folder.npz"
bad "--save-vectors: an .npz path that is a folder" "is a folder" "${f[@]}" --save-vectors "$scratch/folder.npz"
run "${f[@]}" --vectors "$scratch/nan.npz" --save-vectors "$scratch/never.npz" -o "$scratch/never.csv"
check "a refused run writes nothing" test ! -e "$scratch/never.npz" -a ! -e "$scratch/never.csv"

finish "cli_overlaps_vectors"
