"""learndyn.ghost.rnn_train against `learndyn ghost rnn-train` (the same options, the same run):
the loss column bit for bit, from the seeded draw and from the user's arrays (--weights)."""
import json

import numpy as np
import pytest

import learndyn
from conftest import run_cli


def cli_curve(*args):
    """`learndyn ghost rnn-train ARGS --format json`: its table's columns as arrays, and the summary."""
    report = json.loads(run_cli("ghost", "rnn-train", *args, "--format", "json")[1])
    table = report["table"]
    rows = np.array([[np.nan if c is None else c for c in r] for r in table["rows"]], dtype=float)
    return {c: rows[:, i] for i, c in enumerate(table["columns"])}, report["summary"]


# Small runs (each well under a second): DA rank one (the fused kernel, ghost tracking), DA rank
# two (Eq. 48 readout), DCD rank two with Adam, noise and batches drawn by the seed.
SETTINGS = [
    dict(N=20, epochs=40, lr="0.02", seed=3, record_every=3, track_every=10),
    dict(task="da", N=16, rank=2, epochs=25, lr="0.01", seed=1),
    dict(task="dcd", N=12, rank=2, epochs=15, lr="0.005", optimizer="adam", trials=2, seed=7, kappa_th="0.5"),
]


def cli_args(options):
    args = []
    for k, v in options.items():
        args += [f"--{k.replace('_', '-')}", str(v)]
    return args


@pytest.mark.parametrize("options", SETTINGS)
def test_seeded_run_equals_the_cli_bit_for_bit(options):
    got = learndyn.ghost.rnn_train(**options)
    want, summary = cli_curve(*cli_args(options))
    np.testing.assert_array_equal(got["epoch"], want["epoch"])
    np.testing.assert_array_equal(got["loss"], want["loss"])
    np.testing.assert_array_equal(got["gradient_norm"], want["gradient_norm"])
    np.testing.assert_array_equal(got["fixed_points"], want["fixed_points"])
    np.testing.assert_array_equal(got["ghost_eps"], want["ghost_eps"])
    assert got["epoch"].dtype == np.int64 and len(got["epoch"]) > 3
    assert got["final_loss"] == summary["final_loss"]
    assert got["first_learned_epoch"] == summary["first_learned_epoch"]


@pytest.mark.parametrize("options", SETTINGS)
def test_initial_arrays_reproduce_the_seeded_run_and_equal_save_weights(options, tmp_path):
    seeded = learndyn.ghost.rnn_train(**options)
    again = learndyn.ghost.rnn_train(seeded["initial"], **{k: v for k, v in options.items() if k not in ("N", "rank")})
    np.testing.assert_array_equal(again["loss"], seeded["loss"])
    np.testing.assert_array_equal(again["gradient_norm"], seeded["gradient_norm"])
    assert again["final_loss"] == seeded["final_loss"]
    for part in ("initial", "final"):
        assert again[part].keys() == seeded[part].keys()
        for k in seeded[part]:
            np.testing.assert_array_equal(again[part][k], seeded[part][k])
    # The arrays are those --save-weights writes.
    path = tmp_path / "saved.npz"
    run_cli("ghost", "rnn-train", *cli_args(options), "--save-weights", str(path), "--format", "json")
    with np.load(path) as saved:
        names = {f"{part}/{k}" for part in ("initial", "final") for k in seeded[part]}
        assert set(saved.files) == names
        for part in ("initial", "final"):
            for k, v in seeded[part].items():
                np.testing.assert_array_equal(v, saved[f"{part}/{k}"])


def rank_one_arrays(N, seed=0):
    r = np.random.default_rng(seed)
    return {"m": r.normal(0, 0.3, N), "n": r.normal(0, 0.3, N), "b": r.normal(0, 0.1, N)}


def test_users_rank_one_arrays_train_as_the_clis_weights_file(tmp_path):
    w = rank_one_arrays(24)
    path = tmp_path / "w.npz"
    np.savez(path, **w)
    got = learndyn.ghost.rnn_train(w, epochs=30, lr=0.02, record_every=2)
    want, summary = cli_curve("--weights", str(path), "--epochs", "30", "--lr", "0.02", "--record-every", "2")
    assert got["loss"][0] == want["loss"][0]
    np.testing.assert_array_equal(got["loss"], want["loss"])
    assert got["final_loss"] == summary["final_loss"]
    assert got["inputs"]["N"] == 24 and got["inputs"]["rank"] == 1 and got["inputs"]["readout"] == "latent"
    for k in ("m", "n", "b"):
        np.testing.assert_array_equal(got["initial"][k], w[k])
    # float32 and list inputs are converted, as the file's arrays would be.
    f32 = learndyn.ghost.rnn_train({k: v.astype(np.float32) for k, v in w.items()}, epochs=3)
    np.testing.assert_array_equal(f32["initial"]["m"], w["m"].astype(np.float32).astype(np.float64))


def test_bad_input_is_a_value_error_naming_it():
    w = rank_one_arrays(10)
    nan = dict(w, m=np.where(np.arange(10) == 4, np.nan, w["m"]))
    cases = [
        (dict(w, n=w["n"][:9]), {}, r"weights:array 'n'"),
        (nan, {}, r"weights:array 'm': element 4 \(C order\) is not finite"),
        (dict(w, W_ot=np.zeros(10)), {}, r"weights:array 'W_ot': is not a parameter"),
        (w, {"N": 12}, r"invalid N = 12: allowed 10 \(the N of weights\)"),
        (w, {"rank": 2}, r"invalid rank = 2"),
        (w, {"init": "xavier"}, r"invalid init = xavier"),
        ({k: v for k, v in w.items() if k != "b"}, {}, r"weights:array 'b'"),
        (None, {"N": 0}, r"invalid N = 0"),
        (None, {"task": "xyz"}, r"invalid task = 'xyz'"),
        (None, {"lr": float("nan")}, r"invalid lr = 'nan'"),
        (None, {"epochs": -1}, r"invalid epochs = -1"),
        (None, {"record_every": 0}, r"invalid record_every = 0"),
        (None, {"track_every": 5, "rank": 2}, r"invalid track_every = 5"),
        (None, {"beta": -1}, r"invalid beta"),
        (None, {"kappa_th": "x"}, r"invalid kappa_th = 'x'"),  # the Python name, not --kappa-th's
    ]
    for weights, options, message in cases:
        with pytest.raises(ValueError, match=message):
            learndyn.ghost.rnn_train(weights, epochs=options.pop("epochs", 2), **options)
    with pytest.raises(TypeError, match="N: an int"):
        learndyn.ghost.rnn_train(N=2.5)


# The readout options of Figs. 8B-C (issue 15): the confidence readout's gradient, a readout
# switched mid-run, a learnable beta (R53). Each differs from the default run, so a binding that
# dropped the option would not match the CLI given it.
READOUT_SETTINGS = [
    dict(task="dcd", N=12, rank=0, epochs=20, lr="0.01", optimizer="adam", trials=2, seed=2, change_epoch=10,
         changed_readout="confidence", changed_confidence="1", confidence_readout="differentiated"),
    dict(task="dcd", N=12, rank=0, epochs=20, lr="0.01", optimizer="adam", trials=2, seed=2, change_epoch=10,
         changed_readout="confidence", changed_confidence="1"),
    dict(N=20, epochs=40, lr="0.02", seed=0, change_epoch=20, changed_beta=1, learn_beta=True),
]


@pytest.mark.parametrize("options", READOUT_SETTINGS)
def test_readout_options_equal_the_cli_bit_for_bit(options):
    got = learndyn.ghost.rnn_train(**options)
    args = cli_args({k: v for k, v in options.items() if k != "learn_beta"})
    if options.get("learn_beta"):
        args += ["--learn-beta", "on"]
    want, summary = cli_curve(*args)
    np.testing.assert_array_equal(got["epoch"], want["epoch"])
    np.testing.assert_array_equal(got["loss"], want["loss"])
    np.testing.assert_array_equal(got["gradient_norm"], want["gradient_norm"])
    assert got["final_loss"] == summary["final_loss"]
    if options.get("learn_beta"):
        assert got["final_beta"] == summary["final_beta"] and got["final_beta"] != 10
    else:
        assert "final_beta" not in got


def test_the_readout_options_change_the_run():
    base = dict(task="dcd", N=12, rank=0, epochs=20, lr="0.01", optimizer="adam", trials=2, seed=2, change_epoch=10,
                changed_readout="confidence", changed_confidence="1")
    projected = learndyn.ghost.rnn_train(**base)
    differentiated = learndyn.ghost.rnn_train(**base, confidence_readout="differentiated")
    unchanged = learndyn.ghost.rnn_train(**{k: v for k, v in base.items() if k not in ("changed_readout", "changed_confidence")})
    assert projected["final_loss"] != differentiated["final_loss"]
    assert projected["final_loss"] != unchanged["final_loss"]
    with pytest.raises(TypeError, match="learn_beta: a bool"):
        learndyn.ghost.rnn_train(learn_beta="on")
    with pytest.raises(ValueError, match="confidence_readout"):
        learndyn.ghost.rnn_train(confidence_readout="sideways", epochs=2)
