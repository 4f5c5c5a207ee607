#!/usr/bin/env python3
"""`learndyn ntk metrics --manifest` against PyTorch itself (proofs/ntk.md N50, N51).

torch.nn.GRU and torch.nn.RNN (tanh) in float64, small sizes; their weights and inputs saved
as a new user would: the time-major model (batch_first=False, torch's default) as one .npy per
tensor, its batch-first twin (same state_dict, x transposed) as one .npz. For each, torch's
own NTK_S = J J^T from the float64 Jacobian of every output state with respect to every
parameter (one reverse-mode pass per state): its trace, Frobenius
norm and participation ratio against learndyn's `--estimator exact` within the bounds of
N51 (about 1e-12 relative), and the two layouts' learndyn outputs byte for byte equal (N50).

Usage: test_ntk_torch.py path/to/learndyn. Needs python3-torch (scripts/install_packages.sh).
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch

learndyn = sys.argv[1]
torch.manual_seed(5)
failures = []


def check(name, ok, detail=""):
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else ": " + detail))
    if not ok:
        failures.append(name)


def torch_ntk(module, x, h0):
    """trace, Frobenius norm and PR of J J^T, J = d(outputs)/d(parameters), all in float64."""
    params = list(module.parameters())
    out = module(x, h0)[0].reshape(-1)
    rows = []
    for k in range(out.numel()):  # one row of J per output state, by reverse mode
        grads = torch.autograd.grad(out[k], params, retain_graph=True)
        rows.append(torch.cat([g.reshape(-1) for g in grads]))
    jac = torch.stack(rows)
    ntk = jac @ jac.T
    trace = torch.trace(ntk).item()
    frobenius = torch.linalg.norm(ntk).item()
    return {"trace": trace, "frobenius": frobenius, "participation_ratio": trace**2 / frobenius**2}


def metrics(manifest):
    run = subprocess.run([learndyn, "ntk", "metrics", "--manifest", manifest, "--estimator", "exact", "--json"],
                         capture_output=True, text=True)
    if run.returncode != 0:
        raise SystemExit(f"learndyn failed on {manifest}: {run.stderr}")
    return run.stdout


def save_model(folder, module, kind, hidden, inputs, x, h0, batch_first, npz):
    """The manifest and arrays of `module` (torch's state_dict names), as docs/ntk_manifest.md shows."""
    os.makedirs(folder)
    arrays = {k: v.detach().numpy() for k, v in module.state_dict().items()}
    arrays["x"], arrays["h0"] = x.numpy(), h0.numpy()
    manifest = {"model": kind, "hidden": hidden, "inputs": inputs, "batch_first": batch_first,
                "weights": {k: k for k in module.state_dict()}, "x": "x", "h0": "h0"}
    if npz:
        np.savez(os.path.join(folder, "model.npz"), **arrays)
        manifest["arrays"] = "model.npz"
    else:
        for k, v in arrays.items():
            np.save(os.path.join(folder, k + ".npy"), v)
        manifest["weights"] = {k: k + ".npy" for k in module.state_dict()}
        manifest["x"], manifest["h0"] = "x.npy", "h0.npy"
    with open(os.path.join(folder, "model.json"), "w") as f:
        json.dump(manifest, f)
    return os.path.join(folder, "model.json")


H, I, B, T = 4, 3, 3, 5
with tempfile.TemporaryDirectory() as scratch:
    for kind, make in (("gru", lambda bf: torch.nn.GRU(I, H, batch_first=bf)),
                       ("rnn_vanilla", lambda bf: torch.nn.RNN(I, H, nonlinearity="tanh", batch_first=bf))):
        time_major = make(False).double()
        batch_first = make(True).double()
        batch_first.load_state_dict(time_major.state_dict())
        x = torch.randn(T, B, I, dtype=torch.float64)          # torch's default layout (T, B, I)
        h0 = 0.3 * torch.randn(1, B, H, dtype=torch.float64)   # (layers, B, H) in both layouts
        xb = x.transpose(0, 1).contiguous()                    # the twin's (B, T, I)
        out_tm, _ = time_major(x, h0)
        out_bf, _ = batch_first(xb, h0)
        check(f"{kind}: torch's twins agree", torch.equal(out_tm.transpose(0, 1), out_bf))

        want = torch_ntk(time_major, x, h0)
        m_tm = save_model(os.path.join(scratch, kind + "_tm"), time_major, kind, H, I, x, h0, False, npz=False)
        m_bf = save_model(os.path.join(scratch, kind + "_bf"), batch_first, kind, H, I, xb, h0, True, npz=True)
        out_tm_text, out_bf_text = metrics(m_tm), metrics(m_bf)
        for label, text in (("batch_first=False, .npy files", out_tm_text), ("batch_first=True, .npz", out_bf_text)):
            got = json.loads(text)
            check(f"{kind} {label}: B, T", (got["model"]["batch"], got["model"]["steps"]) == (B, T), str(got["model"]))
            # N51: each side's NTK entries within eps = 64 T (k n + d) u relative, d = n + n_in + 1
            eps = 64 * T * ((3 if kind == "gru" else 1) * H + H + I + 1) * 2.0**-53
            for q, value in want.items():
                rel = abs(got[q]["value"] - value) / abs(value)
                bound = (8 if q == "participation_ratio" else 2) * eps
                check(f"{kind} {label}: {q} = torch's ({rel:.1e} <= {bound:.1e})", rel <= bound,
                      f"learndyn {got[q]['value']!r}, torch {value!r}")
        strip = lambda text: [line for line in text.splitlines() if '"source"' not in line]
        check(f"{kind}: batch_first=False gives the bytes of its batch-first twin", strip(out_tm_text) == strip(out_bf_text))

print(f"ntk torch: {len(failures)} failed")
sys.exit(1 if failures else 0)
