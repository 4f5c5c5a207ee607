"""learndyn.ntk against torch's float64 Jacobians and against `learndyn ntk metrics --manifest`."""
import json
import os
import sys
import threading
import time

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import learndyn
from conftest import cli_json

# torch and scipy are installed by scripts/install_packages.sh; scripts/test_python.sh sets
# LEARNDYN_REQUIRE_TORCH=1, so that in CI a missing torch is a failure, not a skip.
if os.environ.get("LEARNDYN_REQUIRE_TORCH") == "1":
    import scipy.sparse.linalg as scipy_linalg
    import torch
else:
    torch = pytest.importorskip("torch")
    scipy_linalg = pytest.importorskip("scipy.sparse.linalg")


def torch_jacobian(module, x, h0=None):
    """dh/dtheta of the module's output sequence, rows (b, t, i) batch first, columns the
    parameters in state_dict order (weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0)."""
    out, _ = module(x, h0)
    if not module.batch_first:
        out = out.transpose(0, 1)
    flat = out.reshape(-1)
    params = list(module.parameters())
    rows = [torch.cat([g.reshape(-1) for g in torch.autograd.grad(flat[k], params, retain_graph=True)])
            for k in range(flat.numel())]
    return torch.stack(rows).detach().numpy()


def gru(n_in=3, n=4, batch_first=True, seed=0, cls=None, **kwargs):
    torch.manual_seed(seed)
    return (cls or torch.nn.GRU)(n_in, n, batch_first=batch_first, **kwargs).double()


def relative(a, b):
    return abs(a - b) / abs(b)


@pytest.mark.parametrize("cls,bias,with_h0,batch_first", [
    (torch.nn.GRU, True, False, True), (torch.nn.GRU, False, True, True), (torch.nn.GRU, True, True, False),
    (torch.nn.RNN, True, True, True), (torch.nn.RNN, False, False, False)])
def test_exact_metrics_equal_the_torch_jacobian_ntk(cls, bias, with_h0, batch_first):
    module = gru(3, 4, batch_first, seed=1, cls=cls, bias=bias)
    g = torch.Generator().manual_seed(2)
    x = torch.randn(2, 5, 3, dtype=torch.float64, generator=g)  # (B, T, n_in)
    if not batch_first:
        x = x.transpose(0, 1).contiguous()
    h0 = torch.randn(1, 2, 4, dtype=torch.float64, generator=g) if with_h0 else None
    jac = torch_jacobian(module, x, h0)
    ntk = jac @ jac.T
    m = learndyn.ntk.metrics(module, x, h0=h0)
    assert m["model"]["kind"] == ("gru" if cls is torch.nn.GRU else "rnn_vanilla")
    assert m["model"]["states"] == 2 * 5 * 4 and m["model"]["bias"] == bias
    assert relative(m["trace"]["value"], np.trace(ntk)) < 1e-12
    assert relative(m["frobenius"]["value"], np.linalg.norm(ntk)) < 1e-12
    want_pr = np.trace(ntk) ** 2 / np.sum(ntk * ntk)
    assert relative(m["participation_ratio"]["value"], want_pr) < 1e-12


def test_operator_matvec_and_matmat_equal_the_jacobian_product():
    module = gru(2, 3, seed=3)
    x = torch.randn(3, 4, 2, dtype=torch.float64, generator=torch.Generator().manual_seed(4))
    jac = torch_jacobian(module, x)
    ntk = jac @ jac.T
    op = learndyn.ntk.Operator(module, x)
    assert op.shape == ntk.shape and op.state_shape == (3, 4, 3)
    rng = np.random.default_rng(5)
    v = rng.standard_normal(op.shape[0])
    scale = np.abs(ntk) @ np.abs(v)
    assert np.all(np.abs(op.matvec(v) - ntk @ v) <= 1e-12 * scale)
    V = rng.standard_normal((op.shape[0], 4))
    got = op.matmat(V)  # C-ordered: converted once
    assert got.flags.f_contiguous
    assert np.all(np.abs(got - ntk @ V) <= 1e-12 * (np.abs(ntk) @ np.abs(V)))
    np.testing.assert_array_equal(op.matmat(np.asfortranarray(V)), got)  # read in place, same bits
    np.testing.assert_array_equal(op @ v, op.matvec(v))
    np.testing.assert_array_equal(op.matvec(v.reshape(-1, 1))[:, 0], op.matvec(v))


def test_p_and_its_adjoint_are_adjoint_and_ntk_is_p_k_p_star():
    module = gru(2, 3, seed=6)
    x = np.random.default_rng(7).standard_normal((2, 4, 2))
    p = learndyn.ntk.Operator(module, x, part="p")
    k = learndyn.ntk.Operator(module, x, part="k")
    a = learndyn.ntk.Operator(module, x)
    rng = np.random.default_rng(8)
    u, v = rng.standard_normal(p.shape[0]), rng.standard_normal(p.shape[0])
    assert abs(p.matvec(u) @ v - u @ p.rmatvec(v)) < 1e-12 * np.linalg.norm(u) * np.linalg.norm(v) * 10
    pkp = p.matvec(k.matvec(p.rmatvec(v)))
    np.testing.assert_allclose(a.matvec(v), pkp, rtol=1e-12, atol=1e-13 * np.abs(pkp).max())


def test_eigsh_on_the_operator_finds_the_top_eigenvalues():
    module = gru(3, 4, seed=9)
    x = torch.randn(2, 6, 3, dtype=torch.float64, generator=torch.Generator().manual_seed(10))
    jac = torch_jacobian(module, x)
    want = np.linalg.eigvalsh(jac @ jac.T)[::-1][:3]
    op = learndyn.ntk.Operator(module, x)
    for operator in (op, op.aslinearoperator()):
        got = np.sort(scipy_linalg.eigsh(operator, k=3, which="LA", tol=1e-13)[0])[::-1]
        np.testing.assert_allclose(got, want, rtol=1e-10)


def random_arrays(rng, kind, n_in, n, bias, dims=None):
    if kind == "attention":
        da, dh, dout = dims
        shapes = {"W_q": (da, n_in), "W_k": (da, n_in), "W_v": (da, n_in), "W_1": (dh, da), "b_1": (dh,),
                  "W_2": (dout, dh), "b_2": (dout,)}
    else:
        g = (3 if kind == "gru" else 1) * n
        shapes = {"weight_ih_l0": (g, n_in), "weight_hh_l0": (g, n)}
        if bias:
            shapes.update({"bias_ih_l0": (g,), "bias_hh_l0": (g,)})
    return {k: rng.standard_normal(s) / np.sqrt(max(s[-1], 1)) for k, s in shapes.items()}


def manifest_for(tmp_path, kind, weights, x, h0, alpha, target, n_in, n, dims):
    for name, a in weights.items():
        np.save(tmp_path / f"{name}.npy", a)
    np.save(tmp_path / "x.npy", x)
    doc = {"model": kind, "inputs": n_in, "batch_first": True, "weights": {k: f"{k}.npy" for k in weights},
           "x": "x.npy"}
    if kind == "attention":
        doc.update(dict(zip(("attention", "mlp", "outputs"), dims)))
    else:
        doc.update({"hidden": n, "bias": "bias_ih_l0" in weights})
        if alpha is not None:
            doc["alpha"] = alpha
    if h0 is not None:
        np.save(tmp_path / "h0.npy", h0)
        doc["h0"] = "h0.npy"
    if target is not None:
        np.save(tmp_path / "y.npy", target)
        doc["target"] = "y.npy"
    (tmp_path / "model.json").write_text(json.dumps(doc))
    return str(tmp_path / "model.json")


def without_source(report):
    report = dict(report)
    report.pop("command", None)
    report["model"] = {k: v for k, v in report["model"].items() if k != "source"}
    return report


@settings(max_examples=40, deadline=None)
@given(kind=st.sampled_from(["gru", "rnn_rate", "rnn_vanilla", "attention"]), batch=st.integers(1, 3),
       steps=st.integers(1, 4), n=st.integers(1, 4), n_in=st.integers(1, 3), bias=st.booleans(),
       extras=st.booleans(), estimator=st.sampled_from(["exact", "hutchinson", "hutch++"]),
       seed=st.integers(0, 2**63 - 1), data_seed=st.integers(0, 2**32 - 1), ranks=st.booleans(),
       core_cosine=st.booleans())
def test_metrics_equal_the_cli_manifest_bit_for_bit(tmp_path_factory, kind, batch, steps, n, n_in, bias, extras,
                                                   estimator, seed, data_seed, ranks, core_cosine):
    rng = np.random.default_rng(data_seed)
    dims = (n, n + 1, 1 + n_in % 2) if kind == "attention" else None
    weights = random_arrays(rng, kind, n_in, n, bias, dims)
    x = rng.standard_normal((batch, steps, n_in))
    recurrent = kind != "attention" and extras
    h0 = rng.standard_normal((batch, n)) if recurrent else None
    target = rng.standard_normal((batch, steps, n)) if recurrent else None
    alpha = float(rng.uniform(0.2, 1)) if recurrent and kind != "gru" else None
    path = manifest_for(tmp_path_factory.mktemp("m"), kind, weights, x, h0, alpha, target, n_in, n, dims)
    args = ["ntk", "metrics", "--manifest", path, "--estimator", estimator, "--estimator-seed", str(seed),
            "--probes", "8", "--sketch", "4", "--residual", "6", "--top-k", "2"] + (["--ranks"] if ranks else []) \
        + (["--core-cosine"] if core_cosine else [])
    want = cli_json(*args)
    got = learndyn.ntk.metrics(weights, x, h0=h0, kind=kind, alpha=alpha, target=target, estimator=estimator,
                               seed=seed, probes=8, sketch=4, residual=6, top_k=2, ranks=ranks,
                               core_cosine=core_cosine)
    assert got["model"]["source"] == "python"
    assert ("core_cosine" in got) == core_cosine  # opt-in: absent unless asked for
    assert without_source(got) == without_source(want)


def float32_equals_the_cli_and_is_close_to_float64(tmp_path, kind, weights, x, n_in, n, dims):
    """precision="float32" on 8 Hutchinson probes (seed 3) is `ntk metrics --precision float32`
    bit for bit and says so; float64 does not say a precision, and the float32 trace is float64's
    within 1e-4 relative. Returns both reports."""
    path = manifest_for(tmp_path, kind, weights, x, None, None, None, n_in, n, dims)
    want = cli_json("ntk", "metrics", "--manifest", path, "--estimator", "hutchinson", "--probes", "8",
                    "--estimator-seed", "3", "--precision", "float32")
    got = learndyn.ntk.metrics(weights, x, estimator="hutchinson", probes=8, seed=3, precision="float32")
    assert without_source(got) == without_source(want) and got["precision"] == "float32"
    f64 = learndyn.ntk.metrics(weights, x, estimator="hutchinson", probes=8, seed=3)
    assert "precision" not in f64
    assert abs(got["trace"]["value"] - f64["trace"]["value"]) <= 1e-4 * abs(f64["trace"]["value"])
    return got, f64


def test_float32_precision_equals_the_cli_and_is_close_to_float64(tmp_path):
    # precision="float32" is `ntk metrics --precision float32` bit for bit; its trace is float64's
    # within N58's size for this small model (1e-4 relative is far above it), and it says so.
    rng = np.random.default_rng(5)
    weights = random_arrays(rng, "gru", 2, 4, True)
    x = rng.standard_normal((3, 5, 2))
    float32_equals_the_cli_and_is_close_to_float64(tmp_path, "gru", weights, x, 2, 4, None)
    with pytest.raises(ValueError, match="precision"):
        learndyn.ntk.metrics(weights, x, precision="float16")


def test_attention_float32_precision_equals_the_cli_and_is_close_to_float64(tmp_path):
    # The attention model's float32 path (proofs/ntk.md N68-N72) goes through the same settings:
    # `ntk metrics --precision float32` bit for bit, float64's trace within 1e-4 relative (N72's
    # size for this model is below 1e-5), and it says so.
    rng = np.random.default_rng(6)
    dims = (4, 5, 2)
    weights = random_arrays(rng, "attention", 2, None, True, dims)
    x = rng.standard_normal((2, 5, 2))
    got, f64 = float32_equals_the_cli_and_is_close_to_float64(tmp_path, "attention", weights, x, 2, None, dims)
    assert got["trace"]["value"] != f64["trace"]["value"]


def test_batch_first_false_transposes_x_and_target_and_kind_is_read_from_the_arrays():
    rng = np.random.default_rng(11)
    weights = random_arrays(rng, "rnn_vanilla", 2, 3, True)
    x, y = rng.standard_normal((2, 5, 2)), rng.standard_normal((2, 5, 3))
    want = learndyn.ntk.metrics(weights, x, target=y)
    assert want["model"]["kind"] == "rnn_vanilla" and "alignment" in want
    got = learndyn.ntk.metrics(weights, x.transpose(1, 0, 2), target=y.transpose(1, 0, 2), batch_first=False)
    assert got == want


def test_same_seed_same_result_for_any_thread_count():
    module = gru(3, 8, seed=12)
    x = np.random.default_rng(13).standard_normal((4, 10, 3))
    one = learndyn.ntk.metrics(module, x, estimator="hutch++", threads=1, seed=5)
    for threads in (2, 3, 8):
        assert one == learndyn.ntk.metrics(module, x, estimator="hutch++", threads=threads, seed=5)
    assert one != learndyn.ntk.metrics(module, x, estimator="hutch++", threads=2, seed=6)
    v = np.random.default_rng(14).standard_normal((4 * 10 * 8, 5))
    for threads in (2, 8):
        np.testing.assert_array_equal(learndyn.ntk.Operator(module, x, threads=1).matmat(v),
                                      learndyn.ntk.Operator(module, x, threads=threads).matmat(v))


def test_threads_none_reads_LEARNDYN_NUM_THREADS(monkeypatch):
    module = gru(3, 4, seed=2)
    x = np.random.default_rng(3).standard_normal((2, 3, 3))
    one = learndyn.ntk.metrics(module, x, estimator="hutchinson", probes=4, threads=1, seed=5)
    monkeypatch.setenv("LEARNDYN_NUM_THREADS", "8")
    assert one == learndyn.ntk.metrics(module, x, estimator="hutchinson", probes=4, seed=5)
    monkeypatch.setenv("LEARNDYN_NUM_THREADS", "two")
    with pytest.raises(ValueError, match="invalid LEARNDYN_NUM_THREADS = 'two'"):
        learndyn.ntk.metrics(module, x, estimator="hutchinson", probes=4, seed=5)


def test_concurrent_calls_on_one_operator_are_serialised_and_equal_the_serial_result():
    module = gru(3, 8, seed=15)
    x = np.random.default_rng(16).standard_normal((4, 10, 3))
    op = learndyn.ntk.Operator(module, x)
    blocks = [np.asfortranarray(np.random.default_rng(17 + k).standard_normal((op.shape[0], 6))) for k in range(4)]
    want = [op.matmat(b) for b in blocks]
    got = [None] * len(blocks)

    def run(k):
        for _ in range(5):
            got[k] = op.matmat(blocks[k])

    threads = [threading.Thread(target=run, args=(k,)) for k in range(len(blocks))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)


def test_attention_operator_is_the_metrics_operator():
    rng = np.random.default_rng(18)
    weights = random_arrays(rng, "attention", 2, None, True, (3, 4, 1))
    x = rng.standard_normal((2, 3, 2))
    op = learndyn.ntk.Operator(weights, x)
    n = op.shape[0]
    assert op.state_shape == (2, 3, 4 * 3 + 4 + 1)
    dense = op.matmat(np.eye(n))
    m = learndyn.ntk.metrics(weights, x)
    assert m["model"]["kind"] == "attention"
    assert relative(np.trace(dense), m["trace"]["value"]) < 1e-14
    assert relative(np.linalg.norm(dense), m["frobenius"]["value"]) < 1e-14
    k = learndyn.ntk.Operator(weights, x, part="k").matmat(np.eye(n))
    np.testing.assert_array_equal(k, k.T)  # K is symmetric to the bit (one Gram per site)
    with pytest.raises(ValueError, match="invalid part = 'core'"):
        learndyn.ntk.Operator(weights, x, part="core")


def test_the_gil_is_released_while_an_operator_runs():
    # Not timed. With a 10 s switch interval a thread holding the GIL keeps it until it blocks,
    # so the main thread's counter can move between the worker's two reads around op.matmat
    # only if matmat lets go of the GIL; the main thread yields the GIL at each step
    # (time.sleep(0)), so the worker gets it back when matmat returns.
    module = gru(10, 64, seed=19)
    x = np.random.default_rng(20).standard_normal((50, 15, 10))
    op = learndyn.ntk.Operator(module, x, threads=1)
    block = np.asfortranarray(np.ones((op.shape[0], 32)))
    op.matmat(block)  # maps the workspaces
    counter, moved, done = [0], [], threading.Event()

    def work():
        for _ in range(3):
            before = counter[0]
            op.matmat(block)
            moved.append(counter[0] - before)
        done.set()

    old = sys.getswitchinterval()
    sys.setswitchinterval(10.0)
    try:
        worker = threading.Thread(target=work)
        worker.start()
        while not done.is_set():
            counter[0] += 1
            time.sleep(0)
        worker.join()
    finally:
        sys.setswitchinterval(old)
    assert max(moved) > 0, moved


def test_bad_input_is_a_value_error_naming_the_parameter():
    module = gru(3, 4)
    x = np.zeros((2, 3, 3))
    cases = [
        (dict(estimator="lanczos"), r"invalid estimator = 'lanczos': allowed hutch\+\+, hutchinson or exact"),
        (dict(estimator="hutchinson", probes=1), "invalid probes = 1: allowed an integer with 2 <= probes"),
        (dict(threads=257), "invalid threads = 257"),
        (dict(seed=-1), "invalid seed = -1"),
        (dict(top_k=10**30), "invalid top_k"),
        (dict(h0=np.zeros((3, 4))), r"h0.*is not \(B, hidden\)"),
        (dict(alpha=2.0, kind="gru"), "invalid alpha = 2.0: allowed 0 < alpha <= 1"),
        (dict(alpha=float("nan"), kind="gru"), "invalid alpha = nan"),
        (dict(kind="rnn_rate"), "invalid kind = 'rnn_rate'"),
    ]
    for kwargs, message in cases:
        with pytest.raises(ValueError, match=message):
            learndyn.ntk.metrics(module, x, **kwargs)
    with pytest.raises(ValueError, match=r"invalid x = \(an array with a NaN or inf\)"):
        learndyn.ntk.metrics(module, np.full((2, 3, 3), np.nan))
    with pytest.raises(ValueError, match=r"weights.weight_ih_l0: shape \(12, 3\) is not \(15, inputs\)"):
        learndyn.ntk.metrics({"weight_ih_l0": np.zeros((12, 3)), "weight_hh_l0": np.zeros((12, 5))}, x)
    with pytest.raises(ValueError, match="key 'weight_ih_l1'"):
        learndyn.ntk.metrics(dict(gru(3, 4, num_layers=2).state_dict()), x)
    with pytest.raises(ValueError, match="num_layers=2"):
        learndyn.ntk.metrics(gru(3, 4, num_layers=2), x)
    with pytest.raises(ValueError, match="nonlinearity='relu'"):
        learndyn.ntk.metrics(gru(3, 4, cls=torch.nn.RNN, nonlinearity="relu"), x)
    with pytest.raises(ValueError, match="estimator = exact"):
        learndyn.ntk.metrics(module, np.zeros((100, 20, 3)))  # 8000 states
    with pytest.raises(ValueError, match="invalid part = 'q'"):
        learndyn.ntk.Operator(module, x, part="q")
    op = learndyn.ntk.Operator(module, x)
    with pytest.raises(ValueError, match=r"invalid v = an array of shape \(5,\)"):
        op.matvec(np.zeros(5))
    with pytest.raises(ValueError, match="invalid v"):
        op.matvec(np.full(op.shape[0], np.inf))
    with pytest.raises(TypeError, match="model"):
        learndyn.ntk.metrics([1, 2], x)


def test_memory_beyond_the_budget_is_refused_naming_the_argument(monkeypatch):
    module = gru(3, 2)
    x = np.zeros((50, 20, 3))  # 2000 states: the state-sized terms dominate
    op = learndyn.ntk.Operator(module, x)
    monkeypatch.setenv("LEARNDYN_MEMORY_BUDGET", "1000")  # bytes (common/memory_budget.hpp)
    allowed = r": allowed sizes whose estimated working memory \(.*\) fits in 1000 bytes"
    with pytest.raises(ValueError, match=r"invalid x = an array of shape \(B, T, n_in\) = \(50, 20, 3\)" + allowed):
        learndyn.ntk.metrics(module, x, estimator="hutchinson")
    with pytest.raises(ValueError, match=r"invalid x = an array of shape"):
        learndyn.ntk.Operator(module, x)
    with pytest.raises(ValueError, match=r"invalid v = a block of shape \(2000, 3\)" + allowed):
        op.matmat(np.zeros((2000, 3)))


def test_a_zero_ntk_is_refused_not_nan():
    # tanh saturated everywhere: every gain is 0 (to double precision), NTK_S = 0.
    weights = {"weight_ih_l0": np.full((2, 1), 1e300), "weight_hh_l0": np.zeros((2, 2))}
    with pytest.raises(ValueError, match="NTK_S is not zero"):
        learndyn.ntk.metrics(weights, np.ones((1, 2, 1)), kind="rnn_vanilla")
