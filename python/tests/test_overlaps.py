"""learndyn.overlaps against `learndyn overlaps filter` and an independent numpy network."""
import json

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import learndyn
from conftest import run_cli


def filter_table(**options):
    args = ["overlaps", "filter"]
    for k, v in options.items():
        args += [f"--{k}", str(v)]
    report = json.loads(run_cli(*args, "--format", "json")[1])
    table = report["trajectory"]
    rows = np.array([[np.nan if c is None else c for c in r] for r in table["rows"]], dtype=float)
    return {c: rows[:, i] for i, c in enumerate(table["columns"])}, report


@settings(max_examples=30, deadline=None)
@given(rank=st.integers(1, 2), N=st.integers(1, 60), seed=st.integers(0, 2**63 - 1), epochs=st.integers(0, 30),
       every=st.integers(1, 7), lr=st.sampled_from(["1e-3", "5e-3", "0.02"]), dt=st.sampled_from(["0.05", "0.1", "1"]),
       T=st.integers(1, 60), decay=st.sampled_from(["0.2", "0.3"]), frequency=st.sampled_from(["0", "2"]))
def test_exact_map_and_euler_equal_the_cli_filter_run_bit_for_bit(rank, N, seed, epochs, every, lr, dt, T, decay,
                                                                  frequency, tmp_path_factory):
    saved = tmp_path_factory.mktemp("vectors") / "v.npz"
    table, report = filter_table(rank=rank, N=N, seed=seed, epochs=epochs, **{"record-every": every}, lr=lr, dt=dt,
                                 T=T, decay=decay, frequency=frequency, **{"save-vectors": saved})
    vectors = learndyn.overlaps.random_vectors(N, rank=rank, seed=seed)
    task = learndyn.overlaps.filter_task(dt=float(dt), T=T, decay=float(decay), frequency=float(frequency))
    common = dict(vectors=vectors, task=task, lr=float(lr), epochs=epochs, dt=float(dt), record_every=every)
    exact = learndyn.overlaps.exact_map(**common)
    euler = learndyn.overlaps.flow(method="euler", **common)
    np.testing.assert_array_equal(exact["epoch"], table["epoch"])
    np.testing.assert_array_equal(exact["loss"], table["loss_exact_map"])
    np.testing.assert_array_equal(euler["loss"], table["loss_euler"])
    assert euler["names"] == report["overlaps"]
    np.testing.assert_array_equal(euler["overlaps"], np.stack([table["euler_" + n] for n in euler["names"]], axis=1))
    # The theory's start is the exact Gram matrix of the vectors (O45), the one the CLI saves.
    np.testing.assert_array_equal(learndyn.overlaps.gram(**vectors), np.load(saved)["initial/sigma"])
    assert list(exact["visible"]) == report["visible"]


def numpy_linear_loss(z, m, U, V, x, y, w, dt):
    """The linear network h <- h + dt(-h + U V^T h / N + m x), y_k = z.h_{k+1} / N (O1-O2)."""
    N = z.size
    h = np.zeros((x.shape[0], N))
    loss = 0.0
    for k in range(x.shape[1]):
        h = h + dt * (-h + (h @ V) @ U.T / N + np.outer(x[:, k], m))
        loss += np.sum(w[:, k] * (h @ z / N - y[:, k]) ** 2)
    return loss


def test_loss_on_a_users_task_equals_an_independent_numpy_network_and_sigma0_equals_vectors():
    rng = np.random.default_rng(3)
    N, R, B, T, dt = 40, 2, 3, 9, 0.1
    z, m = rng.standard_normal(N), rng.standard_normal(N)
    U, V = rng.standard_normal((N, R)), rng.standard_normal((N, R))
    task = {"input": rng.standard_normal((B, T)), "target": rng.standard_normal((B, T)),
            "weight": rng.uniform(0, 1, (B, T))}
    run = learndyn.overlaps.exact_map(vectors=dict(z=z, m=m, U=U, V=V), task=task, dt=dt, lr=1e-3, epochs=3)
    want = numpy_linear_loss(z, m, U, V, task["input"], task["target"], task["weight"], dt)
    assert abs(run["loss"][0] - want) <= 1e-12 * abs(want)
    sigma = learndyn.overlaps.gram(z, m, U, V)
    C = np.column_stack([z, V, m, U])
    np.testing.assert_allclose(sigma, C.T @ C / N, rtol=1e-14, atol=1e-15)
    np.testing.assert_array_equal(sigma, sigma.T)
    again = learndyn.overlaps.exact_map(sigma, task=task, dt=dt, lr=1e-3, epochs=3)
    for key in ("epoch", "loss", "sigma", "overlaps"):
        np.testing.assert_array_equal(again[key], run[key])
    # The default weight is the batch mean 1/B.
    mean = learndyn.overlaps.exact_map(sigma, task={"input": task["input"], "target": task["target"]}, dt=dt,
                                       epochs=0)
    want_mean = numpy_linear_loss(z, m, U, V, task["input"], task["target"], np.full((B, T), 1 / B), dt)
    assert abs(mean["loss"][0] - want_mean) <= 1e-12 * abs(want_mean)


def test_rk4_flow_and_exact_map_agree_to_second_order_in_lr_and_record_every_is_the_clis():
    v = learndyn.overlaps.random_vectors(100, rank=1, seed=4)
    for activation in ("linear", "erf"):
        a = learndyn.overlaps.exact_map(vectors=v, lr=1e-4, epochs=10, record_every=4, activation=activation)
        b = learndyn.overlaps.flow(vectors=v, lr=1e-4, epochs=10, record_every=4, activation=activation)
        assert list(a["epoch"]) == [0, 1, 2, 3, 4, 8, 10]
        assert a["sigma"].shape == (7, 4, 4) and a["overlaps"].shape == (7, 10)
        gap = np.abs(a["sigma"][-1] - b["sigma"][-1]).max()
        step = np.abs(a["sigma"][-1] - a["sigma"][0]).max()
        assert 0 < gap < 1e-2 * step  # O(lr^2) per epoch against an O(lr) change


def test_bad_input_is_a_value_error_naming_the_parameter():
    v = learndyn.overlaps.random_vectors(10, rank=1, seed=0)
    sigma = learndyn.overlaps.gram(**v)
    bad = sigma.copy()
    bad[0, 1] += 1
    cases = [
        (lambda: learndyn.overlaps.exact_map(bad), "invalid sigma = an asymmetric matrix"),
        (lambda: learndyn.overlaps.exact_map(sigma[:3, :3]), r"invalid sigma = 3 x 3: allowed 4 x 4"),
        (lambda: learndyn.overlaps.exact_map(sigma, vectors=v), "sigma0 or vectors"),
        (lambda: learndyn.overlaps.exact_map(sigma, lr=-1), "invalid lr = -1"),
        (lambda: learndyn.overlaps.exact_map(sigma, dt=2), "invalid dt = 2"),
        (lambda: learndyn.overlaps.exact_map(sigma, epochs=-1), "invalid epochs = -1"),
        (lambda: learndyn.overlaps.exact_map(sigma, record_every=0), "invalid record_every = 0"),
        (lambda: learndyn.overlaps.exact_map(sigma, activation="tanh"), "invalid activation = 'tanh'"),
        (lambda: learndyn.overlaps.flow(sigma, method="rk2"), "invalid method = 'rk2'"),
        (lambda: learndyn.overlaps.exact_map(sigma, task={"input": np.ones((1, 3)), "target": np.ones((1, 3)),
                                                          "weight": -np.ones((1, 3))}), "invalid task.weight"),
        (lambda: learndyn.overlaps.exact_map(sigma, task={"input": np.ones((1, 3)), "target": np.ones((2, 3))}),
         "invalid task.target = 2 x 3"),
        (lambda: learndyn.overlaps.gram(v["z"], v["m"], v["U"], v["V"][:5]), "V"),
        (lambda: learndyn.overlaps.gram(v["z"] * np.nan, v["m"], v["U"], v["V"]), "z"),
        (lambda: learndyn.overlaps.random_vectors(0), "invalid N = 0"),
        (lambda: learndyn.overlaps.random_vectors(10, rank=9), "invalid rank = 9"),
        (lambda: learndyn.overlaps.filter_task(dt=0), "invalid dt = 0"),
    ]
    for call, message in cases:
        with pytest.raises(ValueError, match=message):
            call()
