"""The ghost mechanism (Dinc et al. 2025): certified critical rate and loss, fast loss on arrays.

The certified functions compute with learndyn's reference at 50 digits and again at 100, and
report how many leading digits the two agree on (``certified_digits``); they return exactly
the values ``learndyn ghost critical-rate --json`` and ``learndyn ghost loss --json`` print.
Inputs are taken exactly: int, str (a decimal literal such as ``"1e2"``, or ``"p/q"``),
``decimal.Decimal`` and ``fractions.Fraction`` as the numbers they denote (a Fraction such as
1/3 is rounded once at each working precision, as a decimal is), a float as the exact double
it is (``0.1`` is 0.1000000000000000055511151231257827021181583404541015625).
"""
import numpy as np

from . import _core
from ._numbers import digits_value, exact_text

__all__ = ["critical_rate", "loss", "loss_fast"]


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
