"""The K·P NTK (Hazelden et al., *The Global Empirical NTK*, arXiv 2605.08746) of your model.

The state-space NTK of a recurrent model, NTK_S = (dh/dtheta)(dh/dtheta)^T = P K P*
(proofs/ntk.md N1-N12), applied without forming the matrix: :func:`metrics` estimates its trace,
Frobenius norm and participation ratio exactly as ``learndyn ntk metrics --manifest`` does (the
same C++ code, the same numbers), and :class:`Operator` applies NTK_S, K, the core or P to
numpy vectors (a ``scipy.sparse.linalg.LinearOperator`` through :meth:`Operator.aslinearoperator`,
or passed to scipy's solvers directly).

A model is a ``torch.nn.GRU`` or ``torch.nn.RNN`` (one layer, tanh), read through its
``state_dict()``, or a dict of arrays (numpy, or anything ``np.asarray`` takes, torch tensors
included) with torch's names: ``weight_ih_l0`` (G n, n_in), ``weight_hh_l0`` (G n, n),
``bias_ih_l0``, ``bias_hh_l0`` (G n,), G = 3 (GRU, gate order r, z, n) or 1 (RNN); or, for the
self-attention block, ``W_q``, ``W_k``, ``W_v`` (d_a, d_in), ``W_1`` (d_h, d_a), ``b_1``,
``W_2`` (d_out, d_h), ``b_2``. The keyword arguments ``kind`` (the manifest's "model":
``"gru"``, ``"rnn_rate"``, ``"rnn_vanilla"`` or ``"attention"``) and ``alpha`` (the leak of
the RNNs) are those of the manifest (docs/ntk.md, "Bring your own model"); the sizes are read
from the arrays. The state vector of the operators has index (b T + t) n + i: a vector
``v.reshape(op.state_shape)`` is ``[b, t, i]``, batch first whatever the layout of ``x``.
"""
import json
import sys

import numpy as np

from . import _core
from ._numbers import float64_array as _float64, integer_value as _integer, real_value as _real

__all__ = ["metrics", "Operator"]

_RECURRENT_WEIGHTS = ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0")
_ATTENTION_WEIGHTS = ("W_q", "W_k", "W_v", "W_1", "b_1", "W_2", "b_2")
_KINDS = ("gru", "rnn_rate", "rnn_vanilla", "attention")


def _torch_model(model):
    """(kind, weights, batch_first) of a torch.nn.GRU / torch.nn.RNN, or None for anything else."""
    torch = sys.modules.get("torch")
    if torch is None or not isinstance(model, torch.nn.Module):
        return None
    if isinstance(model, torch.nn.GRU):
        kind = "gru"
    elif isinstance(model, torch.nn.RNN):
        if model.nonlinearity != "tanh":
            raise ValueError(f"invalid model = torch.nn.RNN(nonlinearity='{model.nonlinearity}'): allowed "
                             "torch.nn.RNN with tanh (rnn_vanilla), torch.nn.GRU, or a dict of arrays")
        kind = "rnn_vanilla"
    else:
        raise ValueError(f"invalid model = {type(model).__name__}: allowed torch.nn.GRU, torch.nn.RNN (tanh) "
                         "or a dict of arrays with torch's parameter names")
    if model.num_layers != 1 or model.bidirectional:
        raise ValueError(f"invalid model = {type(model).__name__}(num_layers={model.num_layers}, "
                         f"bidirectional={model.bidirectional}): allowed one layer, one direction")
    return kind, dict(model.state_dict()), model.batch_first


def _problem(model, x, h0, batch_first, kind, alpha, target):
    """The manifest (JSON text) and its arrays for the C++ reader (experiments/ntk/manifest.hpp)."""
    module = _torch_model(model)
    if module is not None:
        module_kind, weights, module_batch_first = module
        if kind is not None and kind != module_kind:
            raise ValueError(f"invalid kind = '{kind}': allowed None or '{module_kind}' for a "
                             f"{type(model).__name__}")
        kind = module_kind
        if batch_first is None:
            batch_first = module_batch_first
    elif isinstance(model, dict):
        weights = model
    else:
        raise TypeError(f"model: a torch.nn.GRU, torch.nn.RNN or a dict of arrays, not {type(model).__name__}")
    if batch_first is None:
        batch_first = True
    if not isinstance(batch_first, bool):
        raise TypeError(f"batch_first: a bool, not {type(batch_first).__name__}")
    if kind is not None and kind not in _KINDS:
        raise ValueError(f"invalid kind = '{kind}': allowed gru, rnn_rate, rnn_vanilla or attention")
    names = [str(k) for k in weights]
    if kind is None:
        kind = "attention" if "W_q" in names else None
    allowed = _ATTENTION_WEIGHTS if kind == "attention" else _RECURRENT_WEIGHTS
    for name in names:
        if name not in allowed:
            raise ValueError(f"invalid model = a dict with the key '{name}': allowed the keys "
                             f"{', '.join(allowed)}" + (" (one layer)" if kind != "attention" else ""))
    arrays = {name: _float64(weights[name], name) for name in names}

    def size(name, axis):
        a = arrays.get(name)
        return int(a.shape[axis]) if a is not None and a.ndim == 2 else 1

    if kind == "attention":
        for name, value in (("alpha", alpha), ("h0", h0), ("target", target)):
            if value is not None:
                raise ValueError(f"invalid {name} = (given): allowed only with a recurrent model "
                                 "(gru, rnn_rate, rnn_vanilla)")
        manifest = {"model": "attention", "inputs": size("W_q", 1), "attention": size("W_q", 0),
                    "mlp": size("W_1", 0), "outputs": size("W_2", 0)}
    else:
        if kind is None:  # G n rows of weight_hh_l0: G = 3 the GRU, 1 torch.nn.RNN
            hh = arrays.get("weight_hh_l0")
            kind = "rnn_vanilla" if hh is not None and hh.ndim == 2 and hh.shape[0] == hh.shape[1] else "gru"
        manifest = {"model": kind, "hidden": size("weight_hh_l0", 1), "inputs": size("weight_ih_l0", 1),
                    "bias": "bias_ih_l0" in arrays or "bias_hh_l0" in arrays}
        if alpha is not None:
            alpha = _real(alpha, "alpha")
            if not 0 < alpha <= 1:  # NaN too: it has no JSON form for the manifest
                raise ValueError(f"invalid alpha = {alpha}: allowed 0 < alpha <= 1")
            manifest["alpha"] = alpha
    manifest["weights"] = {name: name for name in names}
    x = _float64(x, "x")
    if not batch_first and x.ndim == 3:  # (T, B, n_in) as torch's batch_first=False
        x = np.ascontiguousarray(x.transpose(1, 0, 2))
    arrays["x"] = x
    manifest["x"] = "x"
    manifest["batch_first"] = True  # x (and the target below) are batch-first by now
    if h0 is not None:
        arrays["h0"] = _float64(h0, "h0")
        manifest["h0"] = "h0"
    if target is not None:
        y = _float64(target, "target")
        if not batch_first and y.ndim == 3:
            y = np.ascontiguousarray(y.transpose(1, 0, 2))
        arrays["target"] = y
        manifest["target"] = "target"
    return json.dumps(manifest), arrays


def _threads(threads):
    # None: LEARNDYN_NUM_THREADS, else 0 (every available core), as the CLI's --threads.
    return _core.threads_from_environment() if threads is None else _integer(threads, "threads")


def _precision(precision):
    if not isinstance(precision, str):
        raise TypeError(f"precision: a str ('float32' or 'float64'), not {type(precision).__name__}")
    return precision


def metrics(model, x, *, h0=None, batch_first=None, kind=None, alpha=None, target=None, estimator="exact",
            probes=None, sketch=16, residual=32, seed=0, threads=None, ranks=False, top_k=0, core_cosine=False,
            precision="float64"):
    """Trace, Frobenius norm and participation ratio of the model's state-space NTK.

    The fields of ``learndyn ntk metrics --manifest M --json`` for the same model (without
    ``command``; ``model.source`` is ``"python"``), computed by the same C++ code: equal to
    them bit for bit. The GIL is released while it runs.

    Args:
        model: a ``torch.nn.GRU`` / ``torch.nn.RNN`` (tanh, one layer), or a dict of arrays with
            torch's parameter names (or the attention block's ``W_q`` ... ``b_2``); see the
            module's docstring.
        x: the inputs, (B, T, n_in) if ``batch_first`` else (T, B, n_in) (numpy or torch).
        h0: the initial state, (B, n) or torch's (1, B, n); zeros if None.
        batch_first: the layout of ``x`` (and ``target``); None: the torch module's own
            ``batch_first``, True for a dict.
        kind: ``"gru"``, ``"rnn_rate"``, ``"rnn_vanilla"`` or ``"attention"`` (the manifest's
            "model"); None: the torch module's, or read from the dict (``W_q``: attention;
            ``weight_hh_l0`` of 3n rows: gru, of n rows: rnn_vanilla).
        alpha: the leak 0 < alpha <= 1 of the RNNs (default 1; ignored by the GRU).
        target: a state-shaped target (B, T, n) for the alignments (N27), optional.
        estimator: ``"exact"`` (the dense matrix, B T n <= 4096 states), ``"hutchinson"``
            (``probes`` probes) or ``"hutch++"`` (``sketch`` + ``residual`` probes).
        probes: Hutchinson's probes, also the core cosine's; 2..100000, default 64.
        sketch, residual: Hutch++'s range and residual probes (1..4096, 0..4096).
        seed: the probes' seed, 0..2^63-1.
        threads: worker threads, 0..256 (0: every available core; more than the cores is
            allowed); default None: ``LEARNDYN_NUM_THREADS``, else 0. The result does not
            depend on it.
        ranks: also the temporal, spatial and batch ranks (N22-N23).
        top_k: also the ``top_k`` largest eigenvalues (Lanczos, N32), 0..1000.
        core_cosine: also ``core_cosine`` = cos(NTK_S, core) (N26; ``--core-cosine``), on
            ``probes`` probes of its own (at least 8): that many extra NTK_S and core matvecs.
        precision: ``"float64"`` (default) or ``"float32"`` (``--precision``, every model):
            the working precision of the NTK operators; float32 adds ``"precision": "float32"``
            to the report (error bound: proofs/ntk.md N52-N58, the attention model N68-N72).

    Returns:
        A dict: ``trace``, ``frobenius``, ``participation_ratio`` (each
        ``{"value", "standard_error"}``; the errors are 0 for ``exact``), ``estimator``,
        ``model`` (sizes, kind, source), ``kernels``, ``participation_ratio_of``; with
        ``exact`` also ``participation_ratio_AAstar``; ``ranks``, ``top_eigenvalues``,
        ``core_cosine`` (``{"value", "standard_error"}``), ``alignment`` when asked for (the
        key is absent otherwise).

    Raises:
        ValueError: a bad argument or array, with the library's message naming it.

    Example:
        >>> gru = torch.nn.GRU(3, 4, batch_first=True).double()
        >>> m = learndyn.ntk.metrics(gru, torch.randn(2, 5, 3, dtype=torch.float64))
        >>> m["trace"]["value"], m["participation_ratio"]["value"]
    """
    manifest, arrays = _problem(model, x, h0, batch_first, kind, alpha, target)
    if not isinstance(estimator, str):
        raise TypeError(f"estimator: a str ('exact', 'hutchinson' or 'hutch++'), not {type(estimator).__name__}")
    text = _core.ntk_metrics(manifest, arrays, estimator, _integer(sketch, "sketch"),
                             _integer(residual, "residual"), _integer(64 if probes is None else probes, "probes"),
                             _integer(top_k, "top_k"), _threads(threads), _integer(seed, "seed"), bool(ranks),
                             bool(core_cosine), _precision(precision))
    report = json.loads(text)
    report.pop("command", None)
    return report


class Operator:
    """A matrix-free operator of the model's NTK on state vectors (fast/ntk/operators.hpp).

    ``part`` is ``"ntk"`` (NTK_S = P K P*, the default), ``"k"`` (the Kronecker core K),
    ``"core"`` (C_V (x) I_n, recurrent models only; the core of ``core_cosine``) or ``"p"``
    (P = (I - S)^-1, whose adjoint :meth:`rmatvec` is P*). The model arguments are those of
    :func:`metrics`. ``shape`` is (N, N) with N = B T n; the state index is (b T + t) n + i
    (``state_shape`` = (B, T, n)). A float64 Fortran-ordered (column-major) block, and any
    contiguous vector, is read in place; results are new Fortran-ordered arrays, written in
    place by the C++ code. The GIL is released while an operator runs; calls on one Operator
    from several threads run one at a time. The same input gives the same bits, with any
    number of threads.

    scipy: ``scipy.sparse.linalg.eigsh(op, k=5)`` works on the object itself (it has
    ``shape``, ``dtype``, ``matvec``, ``rmatvec``, ``matmat``, ``rmatmat``), and
    :meth:`aslinearoperator` returns a ``LinearOperator``.

    Example:
        >>> op = learndyn.ntk.Operator(gru, x)
        >>> op.matvec(np.ones(op.shape[0]))
        >>> scipy.sparse.linalg.eigsh(op, k=3, which="LA")[0]
    """

    def __init__(self, model, x, *, h0=None, batch_first=None, kind=None, alpha=None, part="ntk", threads=None):
        manifest, arrays = _problem(model, x, h0, batch_first, kind, alpha, None)
        if not isinstance(part, str):
            raise TypeError(f"part: a str ('ntk', 'k', 'core' or 'p'), not {type(part).__name__}")
        self._op = _core.NtkOperator(manifest, arrays, part, _threads(threads))
        n = self._op.dimension
        self.part = part
        self.shape = (n, n)
        self.dtype = np.dtype(np.float64)
        self.state_shape = tuple(self._op.state_shape)
        self.kernels = self._op.kernels

    def _apply(self, v, adjoint, matrix):
        a = _float64(v, "v") if not (isinstance(v, np.ndarray) and v.dtype == np.float64) else v
        if matrix and a.ndim != 2:
            raise ValueError(f"invalid V = an array of shape {a.shape}: allowed shape (N, m) with N = {self.shape[0]}")
        column = not matrix and a.ndim == 2 and a.shape[1:] == (1,)  # scipy's (N, 1) vectors
        out = self._op.apply(a[:, 0] if column else a, adjoint)
        return out.reshape(-1, 1) if column else out

    def matvec(self, v):
        """A v for a vector v of shape (N,) (or (N, 1)); returns an array of v's shape."""
        return self._apply(v, False, False)

    def rmatvec(self, v):
        """A* v: the adjoint (the operator itself but for ``part="p"``, where it is P*)."""
        return self._apply(v, True, False)

    def matmat(self, V):
        """A V for a block V of shape (N, m), in one call of the C++ operator (all m columns)."""
        return self._apply(V, False, True)

    def rmatmat(self, V):
        """A* V for a block V of shape (N, m)."""
        return self._apply(V, True, True)

    def __matmul__(self, v):
        return self._apply(v, False, np.ndim(v) == 2)

    def aslinearoperator(self):
        """This operator as a ``scipy.sparse.linalg.LinearOperator`` (needs scipy)."""
        from scipy.sparse.linalg import LinearOperator
        return LinearOperator(self.shape, matvec=self.matvec, rmatvec=self.rmatvec, matmat=self.matmat,
                              rmatmat=self.rmatmat, dtype=self.dtype)
