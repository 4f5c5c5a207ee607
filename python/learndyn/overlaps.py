"""The overlap ODE of low-rank RNNs (Ger & Barak, *Learning reveals invisible structure in
low-rank RNNs*, arXiv 2605.04115; proofs/overlaps.md).

A rank-R network h <- h + dt(-h + W phi(h) + m x), W = sum_r u_r v_r^T / N, readout z, is
trained by SGD at rate N lr; its training is followed exactly (linear phi) or in the mean-field
limit (erf) by the (2R+2) x (2R+2) Gram matrix Sigma = C^T C / N of C = [z v_1..v_R m u_1..u_R]
(the canonical order, O5). :func:`exact_map` runs the exact discrete map Sigma' = (I - lr G)
Sigma (I - lr G) (O16: one SGD epoch of the network, exactly, for linear phi); :func:`flow`
integrates the gradient flow dSigma/dt = -lr (G Sigma + Sigma G) (O17) by one RK4 or Euler
(the public code's) step per epoch. Both start from your Gram matrix or from your vectors
(:func:`gram`), on your task or the paper's filter task (:func:`filter_task`), and return the
trajectory of Sigma, of the named overlaps and of the loss as numpy arrays: the numbers
``learndyn overlaps filter`` prints for the same start (the same C++ solver).
"""
import numpy as np

from . import _core
from ._numbers import float64_array, integer_value as _integer, real_value as _real

__all__ = ["exact_map", "flow", "gram", "random_vectors", "filter_task"]


def _matrix(value, name, ndim=2):
    a = float64_array(value, name)
    if a.ndim == 1 and ndim == 2:
        a = a.reshape(-1, 1)
    if a.ndim != ndim:
        raise ValueError(f"invalid {name} = an array of shape {a.shape}: allowed a {ndim}-D array")
    return a


def random_vectors(N, rank=1, seed=0):
    """The paper's initialisation (proofs/overlaps.md O44), as ``learndyn overlaps filter --seed`` draws it.

    Every vector iid N(0, 1), drawn in the order z, v_1..v_R, m, u_1..u_R, then rescaled to
    |a|^2 = N.

    Args:
        N: neurons, 1..10^7.
        rank: R, 1..8.
        seed: 0..2^63-1.

    Returns:
        A dict with ``z``, ``m`` (shape (N,)) and ``U``, ``V`` (shape (N, R)).

    Example:
        >>> v = learndyn.overlaps.random_vectors(500, rank=1, seed=0)
        >>> learndyn.overlaps.gram(**v).shape
        (4, 4)
    """
    z, m, U, V = _core.overlaps_random_vectors(_integer(N, "N"), _integer(rank, "rank"), _integer(seed, "seed"))
    return {"z": z, "m": m, "U": U, "V": V}


def gram(z, m, U, V):
    """Sigma = C^T C / N for C = [z v_1..v_R m u_1..u_R] (the canonical order, O5).

    Args:
        z, m: the readout and input vectors, shape (N,).
        U, V: the R columns u_r and v_r, shape (N, R) (or (N,) for R = 1).

    Returns:
        The (2R+2) x (2R+2) float64 Gram matrix, exactly symmetric: each entry computed at 50
        digits from the exact doubles and rounded once (proofs/overlaps.md O45), the start the
        CLI's experiments give the theory.

    Raises:
        ValueError: shapes that disagree, R > 8, or a non-finite entry (naming it).
    """
    return _core.overlaps_gram(_matrix(z, "z", 1), _matrix(m, "m", 1), _matrix(U, "U"), _matrix(V, "V"))


def filter_task(dt=0.05, T=400, decay=0.2, frequency=0.0, amplitude=1.0):
    """The linear filter task of ``learndyn overlaps filter`` (proofs/overlaps.md O25).

    One trial: impulse x_0 = 1/dt, weights dt, target amplitude exp(-decay t) cos(frequency t)
    on the public code's time axis. ``frequency=0`` is the rank-1 task of Figs 1 and 5;
    ``decay=0.3, frequency=2`` the rank-2 task of Fig 12.

    Returns:
        A dict with ``input``, ``target``, ``weight``: float64 arrays of shape (1, T).
    """
    x, y, w = _core.overlaps_filter_task(_real(decay, "decay"), _real(frequency, "frequency"),
                                         _real(amplitude, "amplitude"), _real(dt, "dt"), _integer(T, "T"))
    return {"input": x, "target": y, "weight": w}


def _trajectory(sigma0, vectors, task, lr, epochs, dt, activation, record_every, stepper):
    if (sigma0 is None) == (vectors is None):
        raise ValueError("invalid sigma0 = (given with vectors, or neither given): allowed sigma0 or vectors, one of them")
    if vectors is not None:
        if not isinstance(vectors, dict):
            raise TypeError(f"vectors: a dict with z, m, U, V, not {type(vectors).__name__}")
        missing = [k for k in ("z", "m", "U", "V") if k not in vectors]
        if missing:
            raise ValueError(f"invalid vectors = a dict without '{missing[0]}': allowed a dict with z, m, U, V")
        sigma0 = gram(vectors["z"], vectors["m"], vectors["U"], vectors["V"])
    sigma0 = _matrix(sigma0, "sigma0")
    rank = max(1, (sigma0.shape[0] - 2) // 2)
    if task is None:
        task = filter_task(dt=dt)
    if not isinstance(task, dict) or "input" not in task or "target" not in task:
        raise TypeError("task: a dict with input, target and optionally weight (arrays of shape (B, T))")
    x, y = _matrix(task["input"], "task.input"), _matrix(task["target"], "task.target")
    w = task.get("weight")
    w = np.full(x.shape, 1.0 / x.shape[0]) if w is None else _matrix(w, "task.weight")
    if not isinstance(activation, str):
        raise TypeError(f"activation: a str ('linear' or 'erf'), not {type(activation).__name__}")
    out = _core.overlaps_trajectory(sigma0, rank, _real(dt, "dt"), activation, x, y, w, _real(lr, "lr"),
                                    _integer(epochs, "epochs"), stepper, _integer(record_every, "record_every"))
    out["visible"] = np.array(out["visible"], dtype=bool)
    return out


_RETURNS = """
    Returns:
        A dict of numpy arrays over the recorded epochs (0..record_every-1, every
        record_every-th, and the last): ``epoch`` (int64), ``loss`` (L(Sigma_e), the loss
        before that epoch's step), ``sigma`` (shape (E, 2R+2, 2R+2)), ``overlaps`` (shape
        (E, K): the unique overlaps in the public code's order, O6) with their ``names``
        ("zm", "zu1", "v1m", ...) and ``visible`` (bool: read by the loss, O12).

    Raises:
        ValueError: a bad argument, naming it (sigma0 not (2R+2)-square, symmetric and finite;
            0 < dt <= 1; lr >= 0; epochs 0..10^8; record_every >= 1; task arrays of one shape,
            finite, weight >= 0).
"""


def exact_map(sigma0=None, *, vectors=None, task=None, lr=5e-3, epochs=2000, dt=0.05, activation="linear",
              record_every=1):
    """The exact map Sigma' = (I - lr G) Sigma (I - lr G) for ``epochs`` epochs (O16).

    For linear phi this is one SGD epoch of the full network at rate N lr, exactly, for every N;
    for erf the mean-field theory (gain g(Delta) = 1/sqrt(1 + pi Delta/2)).

    Args:
        sigma0: the start, a (2R+2) x (2R+2) Gram matrix in the order z, v_1..v_R, m, u_1..u_R;
            or ``vectors``: a dict with z, m, U, V whose :func:`gram` is the start.
        task: a dict with ``input``, ``target`` (shape (B, T)) and ``weight`` (default 1/B: the
            batch mean); default the filter task at ``dt`` (:func:`filter_task`).
        lr: the overlap-space rate (the network's SGD runs at N lr), >= 0.
        epochs: 0..10^8.
        dt: the Euler step of the network, 0 < dt <= 1.
        activation: ``"linear"`` (readout after the update) or ``"erf"`` (phi = erf(sqrt(pi) x/2),
            readout before the update), the public code's two conventions.
        record_every: record epochs 0..k-1, every k-th and the last.
    {returns}
    Example:
        >>> v = learndyn.overlaps.random_vectors(500, seed=0)
        >>> run = learndyn.overlaps.exact_map(vectors=v, lr=5e-3, epochs=2000, record_every=500)
        >>> run["loss"][[0, -1]]
    """
    return _trajectory(sigma0, vectors, task, lr, epochs, dt, activation, record_every, "exact_map")


exact_map.__doc__ = exact_map.__doc__.replace("{returns}", _RETURNS)


def flow(sigma0=None, *, vectors=None, task=None, lr=5e-3, epochs=2000, dt=0.05, activation="linear",
         record_every=1, method="rk4"):
    """The gradient flow dSigma/dt = -lr (G Sigma + Sigma G) (O17), one step per epoch.

    ``method="rk4"``: one classical RK4 step per epoch; ``"euler"``: Sigma' = Sigma - lr (G Sigma +
    Sigma G), the public code's update (simultaneous; the trajectory of ``euler_*`` in
    ``learndyn overlaps filter``). The other arguments are those of :func:`exact_map`.
    {returns}
    Example:
        >>> run = learndyn.overlaps.flow(vectors=v, method="euler", epochs=100)
        >>> dict(zip(run["names"], run["overlaps"][-1]))
    """
    if method not in ("rk4", "euler"):
        raise ValueError(f"invalid method = '{method}': allowed rk4 or euler")
    return _trajectory(sigma0, vectors, task, lr, epochs, dt, activation, record_every, method)


flow.__doc__ = flow.__doc__.replace("{returns}", _RETURNS)
