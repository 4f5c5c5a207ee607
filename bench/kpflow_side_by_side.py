#!/usr/bin/env python3
"""A block of 32 NTK_S matvecs: kpflow (float32, PyTorch) against learndyn's float32 and float64
paths, side by side in one run (issue 16, proofs/ntk.md N52-N58).

kpflow is the public code of Hazelden et al. (github.com/meeree/kpflow); pass a checkout (or a
git directory, whose HEAD's src/ is extracted to a temporary directory) with --kpflow. Its
trace-paper benchmark (examples/trace_paper/main.py, get_operators_gru) is rebuilt here: a
torch.nn.GRU(10, 64), its hidden-state NTK as jvp @ jvp.T of kpflow's FullJThetaOperator, and a
block is `ntk.flatten().batched_call(S.T).T` for S of 32 Rademacher columns in float32. The
input is time-major (T, B, n_in) = (15, 50, 10), so that torch's GRU (batch_first=False) sees B =
50 sequences of T = 15 steps: the same 48,000 states and shape as learndyn's benchmark GRU.

Each round times kpflow's block (median of --calls calls after one warm-up) and then runs
`bench_ntk --benchmark_filter=BM_NtkBlockFloat32/threads:N` (float64 and float32 blocks
alternating in one process), so every round's three numbers share the machine's load. Printed:
per round the three times and the ratios kpflow / learndyn, then min/median/max over rounds.

kpflow needs PyTorch >= 2 (torch.func, torch.vmap over nn.GRU, bare @torch.no_grad). With an
older torch (Debian 12 ships 1.13) the script maps torch.func to functorch's vjp/jvp/vmap, gives
it a functional_call that nn.GRU sees, lets torch.no_grad decorate bare, and, when
torch.vmap has no batching rule for nn.GRU's kernel (1.13), times kpflow's own loop path
(Operator.toggle_vmap(False)); it prints each of these as a note. With torch 1.13's own
stateless.functional_call instead, kpflow's block is all zeros, in tens of milliseconds: the script refuses a block whose
Hutchinson trace estimate is not positive, and prints the estimate (and learndyn's float64 one of
the same torch GRU when the learndyn package is importable) so that the two can be compared.

Usage: bench/kpflow_side_by_side.py --kpflow KPFLOW --bench build/bench/bench_ntk \
           [--threads 2] [--rounds 5] [--calls 5]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time


def load_kpflow(path, notes):
    src = os.path.join(path, "src")
    if not os.path.isdir(os.path.join(src, "kpflow")):
        git_dir = path if os.path.isdir(os.path.join(path, "objects")) else os.path.join(path, "repo")
        tmp = tempfile.mkdtemp(prefix="kpflow_")
        archive = subprocess.run(["git", "--git-dir", git_dir, "archive", "HEAD", "src/kpflow"],
                                 check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        src = os.path.join(tmp, "src")
        notes.append(f"kpflow src/ extracted from the git HEAD of {git_dir}")
    sys.path.insert(0, src)

    import torch
    if not hasattr(torch, "func"):
        import types
        import functorch

        # torch 1.13's torch.nn.utils.stateless.functional_call swaps parameters by
        # reparametrisation, which nn.GRU never sees (it reads its cached _flat_weights): the
        # output would not depend on the parameters and every jvp/vjp would be zero (seen). So
        # the parameters are set as plain attributes, which RNNBase.__setattr__ forwards to
        # _flat_weights, and put back afterwards.
        def functional_call(module, params, args, kwargs=None):
            saved = []
            for full, value in params.items():
                *path, name = full.split(".")
                owner = module
                for part in path:
                    owner = getattr(owner, part)
                saved.append((owner, name, owner._parameters.pop(name)))
                setattr(owner, name, value)
            try:
                return module(*args, **(kwargs or {})) if isinstance(args, tuple) else module(args, **(kwargs or {}))
            finally:
                for owner, name, parameter in reversed(saved):
                    delattr(owner, name)
                    setattr(owner, name, parameter)

        shim = types.ModuleType("torch.func")
        shim.vjp, shim.jvp, shim.functional_call, shim.vmap = (functorch.vjp, functorch.jvp,
                                                                functional_call, functorch.vmap)
        sys.modules["torch.func"] = shim
        torch.func = shim
        torch.vmap = functorch.vmap
        notes.append(f"torch {torch.__version__} has no torch.func: mapped to functorch "
                     f"{functorch.__version__} (vjp, jvp, vmap), and functional_call by setting the parameters as attributes (torch 1.13's "
                     "stateless.functional_call does not reach nn.GRU's cached weights)")
        original = torch.no_grad

        # kpflow decorates its operators' _matvec with a bare @torch.no_grad (torch >= 2);
        # torch 1.13's no_grad takes no function: accept the bare form.
        class no_grad(original):
            def __new__(cls, func=None):
                if callable(func):
                    return original()(func)
                return super().__new__(cls)

            def __init__(self, func=None):
                super().__init__()

        torch.no_grad = no_grad
        notes.append("torch.no_grad made to accept kpflow's bare @torch.no_grad")
    from kpflow.grad_op import FullJThetaOperator
    return FullJThetaOperator


def kpflow_block_seconds(jtheta_cls, threads, calls, seed, manual=False):
    import torch
    from torch import nn
    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    batch, steps, hidden, n_in, block = 50, 15, 64, 10, 32

    class GRU(nn.Module):  # as kpflow's trace-paper benchmark: the states only
        def __init__(self):
            super().__init__()
            self.rnn = nn.GRU(n_in, hidden)

        def forward(self, x):
            return self.rnn(x)[0]

    class ManualGRU(nn.Module):
        """torch.nn.GRU's equations written out (its parameters, time-major, h0 = 0), so that
        torch.vmap can batch kpflow's jvp(vjp(q)) under torch 1.13 as torch 2 does nn.GRU."""

        def __init__(self, gru):
            super().__init__()
            self.weight_ih, self.weight_hh = gru.weight_ih_l0, gru.weight_hh_l0
            self.bias_ih, self.bias_hh = gru.bias_ih_l0, gru.bias_hh_l0

        def forward(self, x):
            h = torch.zeros(x.shape[1], hidden, dtype=x.dtype)
            a_ih = x @ self.weight_ih.T + self.bias_ih  # all steps at once
            out = []
            for t in range(x.shape[0]):
                a_hh = h @ self.weight_hh.T + self.bias_hh
                ir, iz, i_n = a_ih[t].chunk(3, -1)
                hr, hz, h_n = a_hh.chunk(3, -1)
                r, z = torch.sigmoid(ir + hr), torch.sigmoid(iz + hz)
                n = torch.tanh(i_n + r * h_n)
                h = (1 - z) * n + z * h
                out.append(h)
            return torch.stack(out)

    model = GRU()
    x = torch.randn((steps, batch, n_in))
    if manual:
        torch_states = model(x)
        model = ManualGRU(model.rnn)
        assert torch.allclose(model(x), torch_states, atol=1e-5), "ManualGRU differs from nn.GRU"
    states = model(x)
    jvp = jtheta_cls(model, x, states, dev="cpu", params_to_vec=True)
    ntk = (jvp @ jvp.T).flatten()
    dim = ntk.shape_in[0]
    s = torch.randint(2, size=(dim, block)).float() * 2 - 1
    try:
        out = ntk.batched_call(s.T).T  # warm-up
    except RuntimeError as e:  # torch 1.13's functorch has no batching rule for nn.GRU's kernel
        if not Operator_vmap(jtheta_cls, False):
            raise
        print(f"note: kpflow's vmap path failed ({str(e).splitlines()[0]}); timing kpflow's loop path "
              f"(Operator.toggle_vmap(False): one jvp(vjp(q)) per probe)")
        out = ntk.batched_call(s.T).T
    assert out.shape == (dim, block) and out.dtype == torch.float32
    # A check that the block is the NTK's: its Hutchinson trace estimate (32 probes) must be
    # positive (NTK_S is positive semidefinite and nonzero); printed once per round.
    trace = (s * out).sum().item() / block
    if not trace > 0:
        raise RuntimeError(f"kpflow's block gives trace estimate {trace}: not the NTK (an API mismatch?)")
    print(f"kpflow Hutchinson({block}) trace estimate: {trace:.6g}")
    times = []
    for _ in range(calls):
        t0 = time.perf_counter()
        ntk.batched_call(s.T).T
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def Operator_vmap(jtheta_cls, value):
    """Sets kpflow's Operator._vmap (its own switch between torch.vmap and a loop); False if
    already so."""
    import importlib
    op = importlib.import_module(jtheta_cls.__module__.rsplit(".", 1)[0] + ".op_common").Operator
    if op._vmap == value:
        return False
    op.toggle_vmap(value)
    return True


def learndyn_trace_of(seed):
    """learndyn's float64 Hutchinson trace (256 probes) of the same torch GRU, if the learndyn
    Python package is importable: the check that kpflow's block is this NTK."""
    try:
        import torch
        from torch import nn
        import learndyn.ntk
    except ImportError:
        return None
    torch.manual_seed(seed)
    rnn = nn.GRU(10, 64)
    x = torch.randn((15, 50, 10))
    r = learndyn.ntk.metrics(rnn.double(), x.double(), estimator="hutchinson", probes=256, seed=1)
    return r["trace"]["value"], r["trace"]["standard_error"]


def learndyn_block_ms(bench, threads):
    run = subprocess.run([bench, f"--benchmark_filter=BM_NtkBlockFloat32/threads:{threads}/",
                          "--benchmark_format=json", "--benchmark_min_time=1"],
                         check=True, capture_output=True, text=True)
    b = json.loads(run.stdout)["benchmarks"][0]
    return b["float64_block_ms"], b["float32_block_ms"], b["float64_over_float32"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kpflow", required=True, help="a kpflow checkout or its git directory")
    ap.add_argument("--bench", required=True, help="learndyn's bench_ntk binary")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--calls", type=int, default=5)
    ap.add_argument("--manual-gru", action="store_true",
                    help="kpflow on nn.GRU's equations written out (vmap-able under torch 1.13) instead of nn.GRU")
    a = ap.parse_args()
    if a.threads < 1 or a.rounds < 1 or a.calls < 1:
        print("threads, rounds, calls: at least 1", file=sys.stderr)
        return 2
    notes = []
    try:
        jtheta = load_kpflow(a.kpflow, notes)
    except Exception as e:  # say what could not run, then run learndyn alone
        jtheta = None
        notes.append(f"kpflow skipped: {type(e).__name__}: {e}")
    for n in notes:
        print("note:", n)
    reference = learndyn_trace_of(0)
    if reference:
        print(f"learndyn float64 Hutchinson(256) trace of round 0's torch GRU: {reference[0]:.6g} +- {reference[1]:.3g}")
    print("load (uptime):", os.getloadavg())
    print(f"round  kpflow_ms  learndyn_f64_ms  learndyn_f32_ms  f64/f32  kpflow/f32  kpflow/f64   (threads {a.threads})")
    rows = []
    for r in range(a.rounds):
        kp = None
        if jtheta is not None:
            try:
                kp = kpflow_block_seconds(jtheta, a.threads, a.calls, seed=r, manual=a.manual_gru) * 1e3
            except Exception as e:
                print(f"kpflow block skipped: {type(e).__name__}: {e}")
                jtheta = None
        f64, f32, ratio = learndyn_block_ms(a.bench, a.threads)
        rows.append((kp, f64, f32, ratio))
        kps = f"{kp:9.1f}" if kp is not None else "  skipped"
        kr32 = f"{kp / f32:10.2f}" if kp is not None else "         -"
        kr64 = f"{kp / f64:10.2f}" if kp is not None else "         -"
        print(f"{r:5d}  {kps}  {f64:15.1f}  {f32:15.1f}  {ratio:7.2f}  {kr32}  {kr64}", flush=True)
    if rows[0][0] is not None:
        k32 = sorted(k / f32 for k, _, f32, _ in rows)
        k64 = sorted(k / f64 for k, f64, _, _ in rows)
        print(f"kpflow / learndyn float32: min {k32[0]:.2f}  median {statistics.median(k32):.2f}  max {k32[-1]:.2f}")
        print(f"kpflow / learndyn float64: min {k64[0]:.2f}  median {statistics.median(k64):.2f}  max {k64[-1]:.2f}")
    f = sorted(x[3] for x in rows)
    print(f"learndyn float64 / float32: min {f[0]:.2f}  median {statistics.median(f):.2f}  max {f[-1]:.2f}")
    print("load (uptime):", os.getloadavg())
    return 0


if __name__ == "__main__":
    sys.exit(main())
