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

Each repeat times one Python call and one C++ call back to back (wall clock and the process's
CPU time, every thread); the ratios are the medians over the repeats of the pairs' ratios, so
that a load change on a shared machine hits both sides of a pair.
Run with the installed package (scripts/test_python.sh installs it into build-venv/):
    build-venv/bin/python3 bench/python_overhead.py [--repeats 7]
"""
import argparse
import json
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


def python_seconds(call):
    """(wall, CPU) seconds of one call; CPU is the process's, every thread (process_time)."""
    wall, cpu = time.perf_counter(), time.process_time()
    call()
    return time.perf_counter() - wall, time.process_time() - cpu


def row(name, py, cpp):
    """py, cpp: paired (wall, CPU) seconds, repeat k of each side timed back to back."""
    wall = statistics.median(p[0] / c[0] for p, c in zip(py, cpp))
    cpu = statistics.median(p[1] / c[1] for p, c in zip(py, cpp))
    print(f"{name:<32} {min(p[0] for p in py) * 1e3:8.1f} {min(c[0] for c in cpp) * 1e3:8.1f} "
          f"{statistics.median(p[1] for p in py) * 1e3:8.1f} {statistics.median(c[1] for c in cpp) * 1e3:8.1f} "
          f"{wall:8.4f} {cpu:8.4f}")
    return max(wall, cpu)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=11)
    args = parser.parse_args()
    weights, x = gru_model()
    manifest, arrays = ntk._problem(weights, x, None, None, None, None, None)
    print(f"learndyn {learndyn.__version__}: GRU B={B} T={T} H={H} n_in={N_IN}, 2 threads, "
          f"{args.repeats} repeats, times in ms")
    print(f"{'call':<32} {'wall py':>8} {'wall C++':>8} {'CPU py':>8} {'CPU C++':>8} {'wall':>8} {'CPU':>8}")
    print(f"{'':<32} {'(min)':>8} {'(min)':>8} {'(med)':>8} {'(med)':>8} {'py/C++':>8} {'py/C++':>8}")
    ratios = {}
    for name, estimator, kwargs in [("metrics, hutchinson 64 probes", "hutchinson", dict(probes=64)),
                                    ("metrics, hutch++ 16 + 32", "hutch++", dict(sketch=16, residual=32))]:
        py, cpp = [], []
        sketch, residual, probes = kwargs.get("sketch", 16), kwargs.get("residual", 32), kwargs.get("probes", 64)
        for _ in range(args.repeats):  # interleaved, so that load changes hit both sides
            py.append(python_seconds(lambda: ntk.metrics(weights, x, estimator=estimator, seed=1, threads=2, **kwargs)))
            cpp += learndyn._core.time_ntk_metrics(manifest, arrays, estimator, sketch, residual, probes, 2, 1, 1)
        ratios[name] = row(name, py, cpp)
        cpp_metrics = cpp
    op = ntk.Operator(weights, x, threads=2)
    block = np.asfortranarray(np.random.default_rng(7).choice([-1.0, 1.0], size=(op.shape[0], 32)))
    op.matmat(block)  # the first call maps the workspaces (docs/ntk.md): not timed on either side
    py, cpp = [], []
    for _ in range(args.repeats):
        py.append(python_seconds(lambda: op.matmat(block)))
        cpp += op._op.time_apply(block, 1)
    ratios["Operator.matmat, 32 vectors"] = row("Operator.matmat, 32 vectors", py, cpp)
    # The Python side's own work, timed alone (load-robust where the ratios are noise-bound):
    # the model dict to the manifest text and float64 arrays, and the report back to a dict.
    report = json.dumps(ntk.metrics(weights, x, estimator="hutchinson", seed=1))
    convert = min(python_seconds(lambda: ntk._problem(weights, x, None, None, None, None, None))[0]
                  for _ in range(args.repeats))
    parse = min(python_seconds(lambda: json.loads(report))[0] for _ in range(args.repeats))
    fastest = min(c[0] for c in cpp_metrics)
    print(f"Python-side conversion alone: {convert * 1e6:.0f} us (arguments) + {parse * 1e6:.0f} us (report), "
          f"min of {args.repeats}: {100 * (convert + parse) / fastest:.4f}% of the fastest C++ metrics call")
    worst = max(ratios.values())
    print(f"largest ratio (median over the pairs, wall or CPU) {worst:.4f}: Python costs "
          f"{100 * (worst - 1):+.2f}% over the C++ call ({'within' if worst <= 1.05 else 'above'} the 5% target)")


if __name__ == "__main__":
    main()
