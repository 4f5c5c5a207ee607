"""The ghost mechanism (Dinc et al. 2025): certified critical rate and loss, fast loss on arrays.

The certified functions compute with learndyn's reference at 50 digits and again at 100, and
report how many leading digits the two agree on (``certified_digits``); they return exactly
the values ``learndyn ghost critical-rate --json`` and ``learndyn ghost loss --json`` print.
Inputs are taken exactly: int, str (a decimal literal such as ``"1e2"``, or ``"p/q"``),
``decimal.Decimal`` and ``fractions.Fraction`` as the numbers they denote (a Fraction such as
1/3 is rounded once at each working precision, as a decimal is), a float as the exact double
it is (``0.1`` is 0.1000000000000000055511151231257827021181583404541015625).
"""
import numbers

import numpy as np

from . import _core
from ._numbers import digits_value, exact_text, float64_array

__all__ = ["critical_rate", "loss", "loss_fast", "rnn_train"]


def critical_rate(T, Tr, normalise="none", digits=50):
    """The critical learning rate of the delayed-activation task, certified (proofs/ghost.md G12-G20).

    Args:
        T: the delay T > 0 (int, str, Decimal, Fraction or float; taken exactly).
        Tr: the response window T_r > 0 (likewise).
        normalise: the loss rescaling: ``"none"``, ``"T"`` or ``"total"``.
        digits: significant digits of the returned strings, 1..50.

    Returns:
        A dict with ``eta_c``, ``eps_star``, ``eps_nr``, ``slope_at_optimum``,
        ``exponent_Tr_proportional`` and ``exponent_Tr_fixed`` as decimal strings,
        ``certified_digits`` (the least over them), ``certified_digits_by_quantity``,
        ``exponent_limit_Tr_proportional`` / ``exponent_limit_Tr_fixed`` (ints), ``normalise``,
        ``digits``, ``working_precision_digits`` and ``certifying_precision_digits``.

    Raises:
        ValueError: an input out of range, with the message naming it (as the CLI's).

    Example:
        >>> learndyn.ghost.critical_rate(100, 100)["eta_c"][:20]
        '9.132102284437728490'
    """
    t, tr = exact_text(T, "T"), exact_text(Tr, "Tr")
    if not isinstance(normalise, str):
        raise TypeError(f"normalise: a str ('none', 'T' or 'total'), not {type(normalise).__name__}")
    return _core.critical_rate(t, tr, normalise, digits_value(digits, _core.working_digits))


def loss(T, Tr, eps, beta=None, xth=None, digits=50):
    """The loss L(eps) and its derivative dL/deps, certified.

    Without a readout (``beta`` and ``xth`` both None) the analytical limit (proofs/ghost.md
    G11, G14); with both, the finite-confidence readout (G21, G24).

    Args:
        T, Tr: the delay and response window (> 0; taken exactly, as in :func:`critical_rate`).
        eps: the scale parameter (any real; taken exactly).
        beta, xth: the readout confidence and threshold (> 0), together or neither.
        digits: significant digits of the returned strings, 1..50.

    Returns:
        A dict with ``loss`` and ``grad`` as decimal strings, ``certified_digits``,
        ``certified_digits_by_quantity``, ``model`` and the precision fields.

    Example:
        >>> learndyn.ghost.loss(100, 100, "1e-4", digits=10)["grad"]
        '-7.853981634e+05'
    """
    if (beta is None) != (xth is None):
        missing = "xth" if xth is None else "beta"
        raise ValueError(f"invalid {missing} = (missing): allowed beta and xth together, or neither (analytical limit)")
    b = None if beta is None else exact_text(beta, "beta")
    x = None if xth is None else exact_text(xth, "xth")
    return _core.loss(exact_text(T, "T"), exact_text(Tr, "Tr"), exact_text(eps, "eps"), b, x,
                      digits_value(digits, _core.working_digits))


def loss_fast(T, Tr, eps, beta=None, xth=None):
    """The loss and dL/deps at every eps of an array, in double precision (the fast path).

    The SIMD kernels ``learndyn ghost scan`` runs; the GIL is released while they run.

    Args:
        T, Tr: the delay and response window (> 0, converted to double; T within about
            1e-153..1e153 so that eps* is a normal double).
        eps: array-like of finite floats, any shape (a C-contiguous float64 array is read in
            place, anything else converted once).
        beta, xth: the readout (> 0), together or neither (analytical limit).

    Returns:
        ``(loss, grad)``: two float64 arrays of eps's shape.

    Example:
        >>> loss, grad = learndyn.ghost.loss_fast(100, 100, np.linspace(-1e-4, 1e-3, 5))
    """
    if (beta is None) != (xth is None):
        missing = "xth" if xth is None else "beta"
        raise ValueError(f"invalid {missing} = (missing): allowed beta and xth together, or neither (analytical limit)")
    array = np.asarray(eps, dtype=np.float64)
    return _core.loss_fast(float(T), float(Tr), array, None if beta is None else float(beta),
                           None if xth is None else float(xth))


# rnn_train's options: (kind, default), kind "int", "real" or "str"; None: the task's default.
_RNN_OPTIONS = {
    "task": "str", "N": "int", "rank": "int", "readout": "str", "timing": "str", "alpha": "real", "beta": "real",
    "kappa_th": "real", "confidence": "real", "init": "str", "input": "int", "delay": "int", "response": "int",
    "initial": "real", "initial_sigma": "real", "trials": "int", "noise": "real", "seed": "int", "lr": "real",
    "optimizer": "str", "epochs": "int", "learned": "real", "record_every": "int", "track_every": "int",
    "change_epoch": "int", "changed_beta": "real", "changed_confidence": "real", "confidence_readout": "str",
    "changed_readout": "str",
}


def _option_text(value, name, kind):
    """The option as the text the CLI's option takes (the library parses and checks it)."""
    if isinstance(value, bool):
        raise TypeError(f"{name}: {'a str' if kind == 'str' else 'a number'}, not bool")
    if kind == "str":
        if not isinstance(value, str):
            raise TypeError(f"{name}: a str, not {type(value).__name__}")
        return value
    if kind == "int":
        if isinstance(value, numbers.Integral):
            return str(int(value))
        raise TypeError(f"{name}: an int, not {type(value).__name__}")
    if isinstance(value, str):
        return value
    if isinstance(value, numbers.Real):
        x = float(value)
        return repr(x)  # the shortest text that parses back to this double (nan/inf: refused, named)
    raise TypeError(f"{name}: a number, not {type(value).__name__}")


def rnn_train(weights=None, *, task="da", N=None, rank=None, readout=None, timing=None, alpha=None, beta=None,
              kappa_th=None, confidence=None, init=None, input=None, delay=None, response=None, initial=None,
              initial_sigma=None, trials=None, noise=None, seed=0, lr=None, optimizer="sgd", epochs=2000,
              learned=0.05, record_every=None, track_every=0, change_epoch=None, changed_beta=None,
              changed_confidence=None, confidence_readout=None, changed_readout=None, learn_beta=False):
    """Train one rate RNN of the ghost paper by BPTT: ``learndyn ghost rnn-train`` from Python.

    The same options with the same defaults (None: the task's paper default, as an option not
    given), the same C++ run (experiments/ghost/rnn_train.hpp), so the same numbers bit for bit.
    The GIL is released while it trains.

    Args:
        weights: None for the seeded draw (``init``, ``seed``), or the start's parameters as a
            dict of arrays with the authors' names, as ``--weights`` reads them from a file
            (the same reader; docs/ghost.md): rank one ``m``, ``n``, ``b`` of shape (N,); rank K
            ``m`` (N, K), ``n`` (K, N), ``b``; full rank ``m`` (N, N), ``b``; optionally
            ``W_out`` (N,) with ``b_out`` (1,) or (), and ``W_in`` (N, n_in) or (N,). N, the
            rank and (rank-one DA with ``W_out``) the readout default to theirs; ``seed`` then
            draws only the DCD/DMTS batches. ``result["initial"]`` and ``result["final"]`` are
            such dicts.
        task: ``"da"``, ``"dcd"`` or ``"dmts"``.
        N, rank: neurons 1..4096 (default 100) and rank K of W = M N^T, 0 = full (default 1).
        readout, timing, alpha, beta, kappa_th, confidence, init, input, delay, response, initial,
            initial_sigma, trials, noise, optimizer, lr, epochs, learned, record_every,
            track_every, change_epoch, changed_beta, changed_confidence, confidence_readout,
            changed_readout: the options of
            ``learndyn ghost rnn-train --help`` (``kappa_th`` is ``--kappa-th``, and so on),
            with its defaults (``epochs`` 2000, ``seed`` 0, ``learned`` 0.05). Numbers may be
            ints, floats (taken as the double they are) or decimal strings.
        learn_beta: a bool, ``--learn-beta on|off``: the confidence beta trained with the network
            (R53); the result then holds ``final_beta``.

    Returns:
        A dict: the learning curve as numpy arrays over the recorded epochs (every
        ``record_every``-th, the last and every tracked one), the columns rnn-train prints:
        ``epoch`` (int64), ``loss`` (before that epoch's update), ``gradient_norm``,
        ``fixed_points``, ``ghost_eps``, ``ghost_kappa`` (rank one, NaN where not tracked);
        ``final_loss`` (after the last update), ``min_loss`` (the least loss of every epoch,
        recorded or not, and the final one), ``first_learned_epoch`` (-1:
        never below ``learned``), ``learned_threshold``, at rank one ``final_fixed_points``,
        ``final_ghost_eps``, ``final_ghost_kappa``; with ``learn_beta``, ``final_beta``;
        ``initial`` and ``final``: the parameters
        before the first and after the last epoch as dicts of arrays in the authors' names
        (what ``--save-weights`` writes under initial/ and final/); ``inputs``: the task, N,
        rank, readout, lr, epochs and seed the run used.

    Raises:
        ValueError: a bad option or array, with the library's one-line message naming it
            (``invalid N = 50: allowed 8 (the N of weights)``, ``weights:array 'm': ...``).

    Example:
        >>> run = learndyn.ghost.rnn_train(N=20, epochs=200, lr=0.01)
        >>> again = learndyn.ghost.rnn_train(run["initial"], epochs=200, lr=0.01)
        >>> (again["loss"] == run["loss"]).all()
        True
    """
    given = dict(task=task, N=N, rank=rank, readout=readout, timing=timing, alpha=alpha, beta=beta,
                 kappa_th=kappa_th, confidence=confidence, init=init, input=input, delay=delay, response=response,
                 initial=initial, initial_sigma=initial_sigma, trials=trials, noise=noise, seed=seed, lr=lr,
                 optimizer=optimizer, epochs=epochs, learned=learned, record_every=record_every,
                 change_epoch=change_epoch, changed_beta=changed_beta, changed_confidence=changed_confidence,
                 confidence_readout=confidence_readout, changed_readout=changed_readout)
    options = {k: _option_text(v, k, _RNN_OPTIONS[k]) for k, v in given.items() if v is not None}
    if not isinstance(learn_beta, bool):
        raise TypeError(f"learn_beta: a bool, not {type(learn_beta).__name__}")
    options["learn_beta"] = "on" if learn_beta else "off"
    arrays = None
    if weights is not None:
        if not isinstance(weights, dict):
            raise TypeError(f"weights: a dict of arrays (m, n, b, W_out, b_out, W_in), not {type(weights).__name__}")
        arrays = {}
        for k, v in weights.items():
            if not isinstance(k, str):
                raise TypeError(f"weights: a dict with str keys, not {type(k).__name__}")
            arrays[k] = float64_array(v, f"weights['{k}']")
    return _core.ghost_rnn_train(options, arrays, _option_text(track_every, "track_every", "int"))
