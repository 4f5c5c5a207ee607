"""An independent ground truth for `learndyn ghost rnn-train --weights` (tests/cli/test_ghost_weights_cli.sh).

The networks of the ghost paper's public scripts, written from their equations in their own
parametrisation (row-vector states x, h = x @ m @ n + b at rank K, x @ m + b at full rank,
kappa = n . x and h = m kappa + b at rank one; readout sigmoid(x @ W_out + b_out) or, rank one,
sigmoid(10 (kappa - 1)); loss sum (y - y*)^2 / T_delay), plus learndyn's W_in for DCD
(h += W_in u, tanh readout before the update, mean loss): the forward pass and a hand-written
reverse pass in float64, sharing no code with learndyn and not using its mapping to M, N (R41).

  make DIR                writes DIR/<case>.npz (state_dict names) and DIR/<case>.json (the options)
  check-fixed-points DIR CASE OUT.json
                          rank one: the zeros of the latent flow from the file (grid and bisection)
                          against the fixed points `rnn-slow-points --at 0` reports
  check-sweep DIR CASE OUT.csv LR
                          the loss after one SGD step against a one-run, one-epoch sweep's final loss
  check DIR CASE OUT.json SAVED.npz LR
                          compares learndyn's epoch-0 loss and gradient norm (OUT.json) and the
                          parameters after one SGD step (SAVED.npz: final/...) with this file's
"""
import json
import sys

import numpy as np

# (case, options, parameter shapes): N = 7 units; DA 20 + 20 steps; DCD 2 + 10 + 10 steps.
N = 7
CASES = {
    "rank_one": ("da", {"m": (N,), "n": (N,), "b": (N,)}),
    "rank_k": ("da", {"m": (N, 3), "n": (3, N), "b": (N,), "W_out": (N,), "b_out": (1,)}),
    "rank_k1": ("da", {"m": (N, 1), "n": (1, N), "b": (N,), "W_out": (N,), "b_out": (1,)}),
    "full": ("da", {"m": (N, N), "b": (N,), "W_out": (N,), "b_out": (1,)}),
    "dcd_rank2": ("dcd", {"m": (N, 2), "n": (2, N), "b": (N,), "W_in": (N, 1), "W_out": (N,), "b_out": (1,)}),
}


def draw(case, seed):
    rng = np.random.default_rng(seed)
    _, shapes = CASES[case]
    p = {k: rng.normal(0, 1 / np.sqrt(N), size=s) for k, s in shapes.items()}
    if case == "rank_one":
        p["n"] = p["n"] + 0.4  # kappa of order 1, so the latent readout's gradient is not tiny
    return p


def task(kind):
    """Inputs u (B, T), targets (B, T), initial states (B, N), loss scale, readout timing."""
    if kind == "da":
        T = 40
        target = np.concatenate([np.zeros(20), np.ones(20)])[None, :]
        return np.zeros((1, T)), target, np.full((1, N), -0.3), 1.0 / 20, "after"
    T = 22
    u = np.zeros((2, T))
    target = np.zeros((2, T))
    for b, s in enumerate((1.0, -1.0)):
        u[b, :2] = s
        target[b, 12:] = s
    return u, target, np.zeros((2, N)), 1.0 / (2 * T), "before"


def loss_and_gradient(p, kind, alpha=0.5):
    u, target, x0, scale, timing = task(kind)
    B, T = target.shape
    rank_one = p["m"].ndim == 1
    full = "n" not in p
    if rank_one:
        readout = "latent"
    else:
        readout = "sigmoid" if kind == "da" else "tanh"
    w_in = p["W_in"][:, 0] if "W_in" in p else np.zeros(N)
    X = [x0]
    P = []
    for k in range(T):
        x = X[-1]
        if rank_one:
            rec = (x @ p["n"])[:, None] * p["m"][None, :]
        elif full:
            rec = x @ p["m"]
        else:
            rec = x @ p["m"] @ p["n"]
        pk = np.tanh(rec + p["b"] + u[:, k][:, None] * w_in[None, :])
        P.append(pk)
        X.append((1 - alpha) * x + alpha * pk)
    g = {k: np.zeros_like(v) for k, v in p.items()}
    gX = [np.zeros((B, N)) for _ in range(T + 1)]
    loss = 0.0
    for k in range(T):
        j = k + 1 if timing == "after" else k
        S = X[j]
        if readout == "latent":
            y = 1 / (1 + np.exp(-10 * (S @ p["n"] - 1)))
            e = 2 * scale * (y - target[:, k]) * 10 * y * (1 - y)
            gX[j] += e[:, None] * p["n"][None, :]
            g["n"] += e @ S
        else:
            z = S @ p["W_out"] + p["b_out"][0]
            y = 1 / (1 + np.exp(-z)) if readout == "sigmoid" else np.tanh(z)
            slope = y * (1 - y) if readout == "sigmoid" else 1 - y * y
            e = 2 * scale * (y - target[:, k]) * slope
            gX[j] += e[:, None] * p["W_out"][None, :]
            g["W_out"] += e @ S
            g["b_out"] += e.sum()
        loss += scale * np.sum((y - target[:, k]) ** 2)
    for k in range(T - 1, -1, -1):
        x = X[k]
        gH = alpha * gX[k + 1] * (1 - P[k] ** 2)
        gX[k] += (1 - alpha) * gX[k + 1]
        g["b"] += gH.sum(axis=0)
        if "W_in" in p:
            g["W_in"][:, 0] += u[:, k] @ gH
        if rank_one:
            kappa = x @ p["n"]
            g["m"] += kappa @ gH
            gk = gH @ p["m"]
            g["n"] += gk @ x
            gX[k] += gk[:, None] * p["n"][None, :]
        elif full:
            g["m"] += x.T @ gH
            gX[k] += gH @ p["m"].T
        else:
            Z = x @ p["m"]
            g["n"] += Z.T @ gH
            gZ = gH @ p["n"].T
            g["m"] += x.T @ gZ
            gX[k] += gZ @ p["m"].T
    return loss, g


def latent_flow(p, kappa):
    """The rank-one latent flow f(kappa) = dkappa/dt (inputs off) in the file's own layout:
    RankOneRNN kappa = n . x, h = m kappa + b; RankKRNN (K = 1) kappa = x @ m, h = kappa n + b."""
    if p["m"].ndim == 1:
        return -kappa + np.tanh(np.outer(kappa, p["m"]) + p["b"]) @ p["n"]
    return -kappa + np.tanh(np.outer(kappa, p["n"][0]) + p["b"]) @ p["m"][:, 0]


def fixed_points(p):
    """The zeros of the latent flow: sign changes on a fine grid over |kappa| <= |N|_1 + 1 (R30),
    refined by bisection."""
    reach = np.sum(np.abs(p["n"] if p["m"].ndim == 1 else p["m"])) + 1
    grid = np.linspace(-reach, reach, 200001)
    f = latent_flow(p, grid)
    roots = []
    for i in np.nonzero(np.sign(f[:-1]) != np.sign(f[1:]))[0]:
        lo, hi = grid[i], grid[i + 1]
        for _ in range(100):
            mid = (lo + hi) / 2
            if np.sign(latent_flow(p, np.array([mid]))[0]) == np.sign(latent_flow(p, np.array([lo]))[0]):
                lo = mid
            else:
                hi = mid
        roots.append((lo + hi) / 2)
    return roots


def main():
    if sys.argv[1] == "check-fixed-points":  # DIR CASE OUT.json: rnn-slow-points --at 0 --json
        folder, case, out_json = sys.argv[2:5]
        w = np.load(f"{folder}/{case}.npz")
        roots = fixed_points({k: w[k].astype(np.float64) for k in w.files})
        out = json.load(open(out_json))
        cols = out["table"]["columns"]
        found = sorted(r[cols.index("kappa_1")] for r in out["table"]["rows"] if r[cols.index("kind")] == "fixed_point")
        print(f"{case}: fixed points at kappa = {roots}; learndyn: {found}")
        # R41 (test bound): Newton's zeros are within rounding (measured 2e-17); swapped m, n move them by O(1).
        assert len(found) == len(roots) and all(abs(a - b) <= 1e-9 * (1 + abs(b)) for a, b in zip(found, roots))
        return
    if sys.argv[1] == "check-sweep":  # DIR CASE OUT.csv LR: rnn-sweep --rates LR,LR,1 --epochs 1
        folder, case, out_csv, lr = sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5])
        kind, _ = CASES[case]
        w = np.load(f"{folder}/{case}.npz")
        p = {k: w[k].astype(np.float64) for k in w.files}
        _, g = loss_and_gradient(p, kind)
        after, _ = loss_and_gradient({k: p[k] - lr * g[k] for k in p}, kind)
        lines = open(out_csv).read().split()
        row = dict(zip(lines[0].split(","), map(float, lines[1].split(","))))
        print(f"{case}: loss after one SGD step {after:.17g}; learndyn {row['final_loss']:.17g}")
        assert len(lines) == 2 and abs(row["final_loss"] - after) <= 1e-12 * after, (row, after)
        return
    if sys.argv[1] == "make":
        folder = sys.argv[2]
        for i, case in enumerate(CASES):
            kind, _ = CASES[case]
            np.savez(f"{folder}/{case}.npz", **draw(case, i))
            json.dump({"task": kind}, open(f"{folder}/{case}.json", "w"))
        return
    folder, case, out_json, saved, lr = sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], float(sys.argv[6])
    kind, _ = CASES[case]
    w = np.load(f"{folder}/{case}.npz")
    p = {k: w[k].astype(np.float64) for k in w.files}
    loss, g = loss_and_gradient(p, kind)
    norm = np.sqrt(sum(np.sum(v * v) for v in g.values()))
    out = json.load(open(out_json))
    row = dict(zip(out["table"]["columns"], out["table"]["rows"][0]))
    errors = {"loss": abs(row["loss"] - loss) / abs(loss), "gradient_norm": abs(row["gradient_norm"] - norm) / norm}
    after = np.load(saved)
    assert sorted(f"final/{k}" for k in p) == sorted(k for k in after.files if k.startswith("final/")), after.files
    gmax = max(np.max(np.abs(v)) for v in g.values())
    for k in p:  # one SGD step, entry by entry, in the scripts' own layout
        want = p[k] - lr * g[k]
        errors["final/" + k] = np.max(np.abs(after["final/" + k] - want)) / (lr * gmax)
    worst = max(errors.values())
    print(f"{case}: loss {loss:.17g}, |grad| {norm:.17g}, worst relative error {worst:.2e}")
    # R41 (test bound): the two double evaluations differ by summation order only (measured
    # worst 1.7e-14); a wrong mapping of any array is off by O(1).
    assert worst <= 1e-12, errors


main()
