#!/usr/bin/env python3
"""The cost of calling learndyn's NTK fast paths through Python, over the C++ call alone.

The GRU benchmark model of bench/ntk_bench.cpp (B = 50, T = 15, H = 64, n_in = 10: 48,000
states, 14,592 parameters; weights drawn as torch.nn.GRU draws them, inputs N(0, 1)):

- learndyn.ntk.metrics(...) with Hutchinson (64 probes) and Hutch++ (16 + 32), 2 threads,
  against the same C++ call, experiments::ntk::problem_metrics on the model already built, timed
  inside the extension (the same library objects, the same process, interleaved with the
  Python calls). The Python time includes everything a user pays: the dict to manifest
  conversion, the arrays' copies, the JSON report back to a dict.
- Operator.matmat on a block of 32 vectors (Fortran order: read in place) against the C++
  apply_ntk of the same block.

Prints each time (minimum and median of the repeats) and the ratio Python / C++ of the minima.
Run with the installed package (scripts/test_python.sh installs it into build-venv/):
    build-venv/bin/python3 bench/python_overhead.py [--repeats 7]
"""
import argparse
import statistics
import time

import numpy as np

import learndyn
from learndyn import ntk

B, T, H, N_IN = 50, 15, 64, 10


def gru_model(seed=2026):
    rng = np.random.default_rng(seed)
    bound = 1 / np.sqrt(H)  # torch.nn.GRU's init: U(-1/sqrt(H), 1/sqrt(H))
    shapes = {"weight_ih_l0": (3 * H, N_IN), "weight_hh_l0": (3 * H, H), "bias_ih_l0": (3 * H,),
              "bias_hh_l0": (3 * H,)}
    weights = {k: rng.uniform(-bound, bound, s) for k, s in shapes.items()}
    return weights, rng.standard_normal((B, T, N_IN))


def python_seconds(call, repeats):
    out = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        out.append(time.perf_counter() - start)
    return out


def row(name, py, cpp):
    ratio = min(py) / min(cpp)
    print(f"{name:<40} {min(py) * 1e3:9.2f} {statistics.median(py) * 1e3:9.2f} "
          f"{min(cpp) * 1e3:9.2f} {statistics.median(cpp) * 1e3:9.2f} {ratio:8.4f}")
    return ratio


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    weights, x = gru_model()
    manifest, arrays = ntk._problem(weights, x, None, None, None, None, None)
    print(f"learndyn {learndyn.__version__}: GRU B={B} T={T} H={H} n_in={N_IN}, 2 threads, "
          f"{args.repeats} repeats, times in ms")
    print(f"{'call':<40} {'py min':>9} {'py med':>9} {'C++ min':>9} {'C++ med':>9} {'py/C++':>8}")
    ratios = {}
    for name, estimator, kwargs in [("metrics, hutchinson 64 probes", "hutchinson", dict(probes=64)),
                                    ("metrics, hutch++ 16 + 32", "hutch++", dict(sketch=16, residual=32))]:
        py, cpp = [], []
        sketch, residual, probes = kwargs.get("sketch", 16), kwargs.get("residual", 32), kwargs.get("probes", 64)
        for _ in range(args.repeats):  # interleaved, so that load changes hit both sides
            py += python_seconds(lambda: ntk.metrics(weights, x, estimator=estimator, seed=1, threads=2, **kwargs), 1)
            cpp += learndyn._core.time_ntk_metrics(manifest, arrays, estimator, sketch, residual, probes, 2, 1, 1)
        ratios[name] = row(name, py, cpp)
    op = ntk.Operator(weights, x, threads=2)
    block = np.asfortranarray(np.random.default_rng(7).choice([-1.0, 1.0], size=(op.shape[0], 32)))
    op.matmat(block)  # the first call maps the workspaces (docs/ntk.md): not timed on either side
    py, cpp = [], []
    for _ in range(args.repeats):
        py += python_seconds(lambda: op.matmat(block), 1)
        cpp += op._op.time_apply(block, 1)
    ratios["Operator.matmat, 32 vectors"] = row("Operator.matmat, 32 vectors", py, cpp)
    worst = max(ratios.values())
    print(f"largest ratio {worst:.4f}: Python costs {100 * (worst - 1):+.2f}% over the C++ call "
          f"({'within' if worst <= 1.05 else 'above'} the 5% target)")


if __name__ == "__main__":
    main()
